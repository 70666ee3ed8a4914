/**
 * The AgentObject's outbox of job notices (job-notice.ts), in its SQLite next to the jobs
 * (table `job_notices` in job-schema.ts). A row is written with the job, becomes due when the job
 * ends, and is kept, marked delivered, once its receiver took it; a failed delivery is due again
 * after a backoff.
 *
 *   waiting (job open) ──job ends──▶ due ──delivered──▶ delivered
 *                                     ▲        │ receiver threw
 *                                     └────────┘ (later, with backoff)
 */
import { and, asc, eq, isNotNull, isNull, lte, min, sql } from 'drizzle-orm';
import type { JobNotify } from './job-notice.ts';
import { jobNotices } from './job-schema.ts';
import type { JobDb } from './job-store.ts';

export type NoticeRecord = typeof jobNotices.$inferSelect;

/** Records who to tell; a retried enqueue of the same job keeps the first. */
export function addNotice(db: JobDb, jobId: string, target: JobNotify): void {
  db.insert(jobNotices).values({ jobId, target }).onConflictDoNothing().run();
}

export function getNotice(db: JobDb, jobId: string): NoticeRecord | null {
  return db.select().from(jobNotices).where(eq(jobNotices.jobId, jobId)).get() ?? null;
}

/** The job ended: its notice is due at `at` (unless delivered already). */
export function markDue(db: JobDb, jobId: string, at: number): void {
  db.update(jobNotices)
    .set({ dueAt: at })
    .where(and(eq(jobNotices.jobId, jobId), isNull(jobNotices.deliveredAt)))
    .run();
}

export function markDelivered(db: JobDb, jobId: string, now: number): void {
  db.update(jobNotices)
    .set({ deliveredAt: now, dueAt: null, attempts: sql`${jobNotices.attempts} + 1` })
    .where(eq(jobNotices.jobId, jobId))
    .run();
}

/** A delivery failed: due again at `retryAt`, or never (null) once attempts are used up. */
export function markFailed(db: JobDb, jobId: string, retryAt: number | null, error: string): void {
  db.update(jobNotices)
    .set({ dueAt: retryAt, attempts: sql`${jobNotices.attempts} + 1`, lastError: error.slice(0, 1000) })
    .where(eq(jobNotices.jobId, jobId))
    .run();
}

export function dueNotices(db: JobDb, now: number): NoticeRecord[] {
  return db
    .select()
    .from(jobNotices)
    .where(and(isNotNull(jobNotices.dueAt), lte(jobNotices.dueAt, now)))
    .orderBy(asc(jobNotices.dueAt), asc(jobNotices.jobId))
    .all();
}

export function nextNoticeAt(db: JobDb): number | null {
  return (
    db
      .select({ due: min(jobNotices.dueAt) })
      .from(jobNotices)
      .get()?.due ?? null
  );
}
