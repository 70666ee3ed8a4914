import { eq, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { featureFlags } from '../platform/db/schema.ts';

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
