/** The job index: which org and agent own a job. The job's state lives in the agent's Durable Object. */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { agents, jobs } from '../platform/db/schema.ts';

/**
 * Records a job for an agent of the org in one statement: nothing is inserted when the agent does
 * not exist in that org (null). With `ifAbsent`, a row already there for the id is `present` (a
 * caller retrying the same job id), and the caller must not remove it on failure: it is not its own.
 */
export async function insertJobIndex(
  db: Db,
  job: { id: string; orgId: string; agentId: string; type: string },
  opts: { ifAbsent?: boolean } = {},
): Promise<'inserted' | 'present' | null> {
  const result = await db.execute(sql`
    INSERT INTO ${jobs} (id, org_id, agent_id, type)
    SELECT ${job.id}, ${job.orgId}, ${agents.id}, ${job.type} FROM ${agents}
     WHERE ${agents.id} = ${job.agentId} AND ${agents.orgId} = ${job.orgId}
    ${opts.ifAbsent ? sql`ON CONFLICT (id) DO NOTHING` : sql``}
    RETURNING id`);
  if (result.rows.length === 1) return 'inserted';
  if (opts.ifAbsent !== true) return null;
  const existing = await findJobIndex(db, job.orgId, job.id);
  return existing?.agentId === job.agentId ? 'present' : null;
}

export async function deleteJobIndex(db: Db, id: string): Promise<void> {
  await db.delete(jobs).where(eq(jobs.id, id));
}

export async function findJobIndex(db: Db, orgId: string, id: string) {
  const rows = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.orgId, orgId), eq(jobs.id, id)))
    .limit(1);
  return rows[0] ?? null;
}
