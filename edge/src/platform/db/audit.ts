/** The admin audit log: every platform-admin write, with before/after. */
import { desc } from 'drizzle-orm';
import { randomId } from '../ids.ts';
import type { Db } from './client.ts';
import { auditLog } from './schema.ts';

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
