/**
 * Finished jobs keep their params only for a while (issue 20, M4; JOB_PARAMS_RETENTION_SECONDS):
 * then the params are emptied, so what an agent needed to run a job (credentials, secrets) does
 * not stay in the AgentObject for ever. The job itself, its outcome, events and log stay.
 */
import { and, isNotNull, lte, min, ne } from 'drizzle-orm';
import { jobs } from './job-schema.ts';
import { addEvent, type JobDb } from './job-store.ts';

const EMPTY = {} as const;

/** Empties the params of jobs that finished at or before `before`; returns their ids. */
export function purgeFinishedParams(db: JobDb, before: number, now: number): string[] {
  const rows = db
    .update(jobs)
    .set({ params: EMPTY })
    .where(and(isNotNull(jobs.finishedAt), lte(jobs.finishedAt, before), ne(jobs.params, EMPTY)))
    .returning({ id: jobs.id })
    .all();
  for (const { id } of rows)
    addEvent(db, id, now, 'params_purged', 'params removed after the retention period');
  return rows.map((r) => r.id);
}

/** When the next finished job's params are due to go, or null. */
export function nextPurgeAt(db: JobDb, retentionMs: number): number | null {
  const row = db
    .select({ at: min(jobs.finishedAt) })
    .from(jobs)
    .where(and(isNotNull(jobs.finishedAt), ne(jobs.params, EMPTY)))
    .get();
  return row?.at == null ? null : row.at + retentionMs;
}
