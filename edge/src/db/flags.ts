import { desc, eq, sql } from 'drizzle-orm';
import { randomId } from '../ids.ts';
import type { Db } from './client.ts';
import { auditLog, featureFlags } from './schema.ts';

export type FlagRow = typeof featureFlags.$inferSelect;

export async function listFlags(db: Db): Promise<FlagRow[]> {
  return db.select().from(featureFlags).orderBy(featureFlags.key);
}

export async function getFlag(db: Db, key: string): Promise<FlagRow | null> {
  const rows = await db.select().from(featureFlags).where(eq(featureFlags.key, key)).limit(1);
  return rows[0] ?? null;
}

/** Inserts; returns false when the key exists. */
export async function insertFlag(db: Db, flag: typeof featureFlags.$inferInsert): Promise<boolean> {
  const rows = await db
    .insert(featureFlags)
    .values(flag)
    .onConflictDoNothing()
    .returning({ key: featureFlags.key });
  return rows.length === 1;
}

export async function updateFlag(
  db: Db,
  key: string,
  set: Partial<typeof featureFlags.$inferInsert>,
): Promise<FlagRow | null> {
  const rows = await db
    .update(featureFlags)
    .set({ ...set, updatedAt: sql`now()` })
    .where(eq(featureFlags.key, key))
    .returning();
  return rows[0] ?? null;
}

export async function deleteFlag(db: Db, key: string): Promise<FlagRow | null> {
  const rows = await db.delete(featureFlags).where(eq(featureFlags.key, key)).returning();
  return rows[0] ?? null;
}

export async function audit(
  db: Db,
  entry: {
    actor: string;
    action: string;
    target: string;
    before: unknown;
    after: unknown;
    ip: string | null;
  },
): Promise<void> {
  await db.insert(auditLog).values({ id: randomId('aud'), ...entry });
}

export async function recentAudit(db: Db, limit = 100) {
  return db.select().from(auditLog).orderBy(desc(auditLog.createdAt), desc(auditLog.id)).limit(limit);
}
