import { and, desc, eq } from 'drizzle-orm';
import { randomId } from '../ids.ts';
import type { Db } from './client.ts';
import { activity } from './schema.ts';

export async function recordActivity(
  db: Db,
  entry: { orgId: string; actor: string; userId: string | null; kind: string; message: string },
): Promise<void> {
  await db.insert(activity).values({ id: randomId('act'), ...entry });
}

export async function userActivity(db: Db, orgId: string, userId: string, limit = 50) {
  return db
    .select()
    .from(activity)
    .where(and(eq(activity.orgId, orgId), eq(activity.userId, userId)))
    .orderBy(desc(activity.createdAt), desc(activity.id))
    .limit(limit);
}
