/**
 * The AgentObject's outbox of job notices (job-notice.ts), in its SQLite storage next to the jobs
 * (job-store.ts). A row is written with the job, becomes due when the job ends, and is kept,
 * marked delivered, once its receiver took it; a failed delivery is due again after a backoff.
 *
 *   waiting (job open) ──job ends──▶ due ──delivered──▶ delivered
 *                                     ▲        │ receiver threw
 *                                     └────────┘ (later, with backoff)
 */
import type { JobNotify } from './job-notice.ts';

export interface NoticeRecord {
  jobId: string;
  target: JobNotify;
  dueAt: number | null;
  attempts: number;
  deliveredAt: number | null;
}

export function migrateNoticeStore(sql: SqlStorage): void {
  sql.exec(`
    CREATE TABLE IF NOT EXISTS job_notices (
      job_id TEXT PRIMARY KEY,
      target TEXT NOT NULL,
      due_at INTEGER,
      attempts INTEGER NOT NULL DEFAULT 0,
      delivered_at INTEGER,
      last_error TEXT
    );
    CREATE INDEX IF NOT EXISTS job_notices_due_idx ON job_notices (due_at);
  `);
  // Objects from before the outbox kept only a stack id per job (job_origins, told once, best
  // effort). Their open jobs get a notice, so their stacks still hear of the end.
  const origins = sql
    .exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'job_origins'")
    .toArray();
  if (origins.length > 0) {
    sql.exec(`
      INSERT OR IGNORE INTO job_notices (job_id, target)
      SELECT o.job_id, json_object('kind', 'stack', 'stackId', o.stack_id, 'workflowId', '')
        FROM job_origins o JOIN jobs j ON j.id = o.job_id
       WHERE j.status IN ('queued', 'running')`);
  }
}

type Row = Record<string, SqlStorageValue>;

function toNotice(row: Row): NoticeRecord {
  return {
    jobId: row.job_id as string,
    target: JSON.parse(row.target as string),
    dueAt: (row.due_at as number | null) ?? null,
    attempts: row.attempts as number,
    deliveredAt: (row.delivered_at as number | null) ?? null,
  };
}

/** Records who to tell; a retried enqueue of the same job keeps the first. */
export function addNotice(sql: SqlStorage, jobId: string, target: JobNotify): void {
  sql.exec('INSERT OR IGNORE INTO job_notices (job_id, target) VALUES (?, ?)', jobId, JSON.stringify(target));
}

export function getNotice(sql: SqlStorage, jobId: string): NoticeRecord | null {
  const row = sql.exec<Row>('SELECT * FROM job_notices WHERE job_id = ?', jobId).toArray()[0];
  return row ? toNotice(row) : null;
}

/** The job ended: its notice is due now (unless delivered already). */
export function markDue(sql: SqlStorage, jobId: string, now: number): void {
  sql.exec('UPDATE job_notices SET due_at = ? WHERE job_id = ? AND delivered_at IS NULL', now, jobId);
}

export function markDelivered(sql: SqlStorage, jobId: string, now: number): void {
  sql.exec(
    'UPDATE job_notices SET delivered_at = ?, due_at = NULL, attempts = attempts + 1 WHERE job_id = ?',
    now,
    jobId,
  );
}

export function markFailed(sql: SqlStorage, jobId: string, retryAt: number | null, error: string): void {
  sql.exec(
    'UPDATE job_notices SET due_at = ?, attempts = attempts + 1, last_error = ? WHERE job_id = ?',
    retryAt,
    error.slice(0, 1000),
    jobId,
  );
}

export function dueNotices(sql: SqlStorage, now: number): NoticeRecord[] {
  return sql
    .exec<Row>(
      'SELECT * FROM job_notices WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at, job_id',
      now,
    )
    .toArray()
    .map(toNotice);
}

export function nextNoticeAt(sql: SqlStorage): number | null {
  const row = sql.exec<{ due: number | null }>('SELECT MIN(due_at) AS due FROM job_notices').toArray()[0];
  return row?.due ?? null;
}
