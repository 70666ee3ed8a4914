import type { JsonObject } from '@bufbuild/protobuf';
import { type JobStatus, terminalJobStatuses } from '@kombify/proto/jobs';

/**
 * A worker's jobs, kept in its Durable Object's SQLite storage. Plain functions over `SqlStorage`
 * so the state machine reads top to bottom:
 *
 *   queued ──lease──▶ running ──complete──▶ succeeded | failed
 *     ▲                 │ lease expired, attempts left
 *     └─────────────────┘ (no attempts left ──▶ failed)
 *   queued | running ──cancel──▶ cancelled
 *
 * Every lease ever issued for a job is remembered, so a result sent late under an older lease of
 * the same job is still recognised (and applied only if the job has not ended yet).
 */

export type { JobStatus };
export const terminalStatuses: ReadonlySet<JobStatus> = new Set(terminalJobStatuses);

export interface JobError {
  code: string;
  message: string;
}

export interface JobRecord {
  id: string;
  type: string;
  params: JsonObject;
  status: JobStatus;
  attempt: number;
  maxAttempts: number;
  leaseId: string | null;
  leaseExpiresAt: number | null;
  availableAt: number;
  queueDeadline: number;
  result: JsonObject | null;
  error: JobError | null;
  progressMessage: string | null;
  progressPercent: number | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  updatedAt: number;
}

export interface JobEvent {
  at: number;
  kind: string;
  message: string;
}

export interface LogLineRecord {
  seq: number;
  at: number;
  stream: string;
  text: string;
}

export function migrateJobStore(sql: SqlStorage): void {
  sql.exec(`
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS jobs (
      id TEXT PRIMARY KEY,
      type TEXT NOT NULL,
      params TEXT NOT NULL,
      status TEXT NOT NULL,
      attempt INTEGER NOT NULL DEFAULT 0,
      max_attempts INTEGER NOT NULL,
      lease_id TEXT,
      lease_expires_at INTEGER,
      available_at INTEGER NOT NULL,
      queue_deadline INTEGER NOT NULL,
      result TEXT,
      error TEXT,
      progress_message TEXT,
      progress_percent INTEGER,
      created_at INTEGER NOT NULL,
      started_at INTEGER,
      finished_at INTEGER,
      updated_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS jobs_status_idx ON jobs (status, available_at);
    CREATE TABLE IF NOT EXISTS job_leases (
      job_id TEXT NOT NULL,
      lease_id TEXT NOT NULL,
      attempt INTEGER NOT NULL,
      issued_at INTEGER NOT NULL,
      PRIMARY KEY (job_id, lease_id)
    );
    CREATE TABLE IF NOT EXISTS job_events (
      job_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      at INTEGER NOT NULL,
      kind TEXT NOT NULL,
      message TEXT NOT NULL,
      PRIMARY KEY (job_id, seq)
    );
    CREATE TABLE IF NOT EXISTS job_origins (job_id TEXT PRIMARY KEY, stack_id TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS job_logs (
      job_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      at INTEGER NOT NULL,
      stream TEXT NOT NULL,
      text TEXT NOT NULL,
      PRIMARY KEY (job_id, seq)
    );
  `);
}

type Row = Record<string, SqlStorageValue>;

function toJob(row: Row): JobRecord {
  return {
    id: row.id as string,
    type: row.type as string,
    params: JSON.parse(row.params as string),
    status: row.status as JobStatus,
    attempt: row.attempt as number,
    maxAttempts: row.max_attempts as number,
    leaseId: (row.lease_id as string | null) ?? null,
    leaseExpiresAt: (row.lease_expires_at as number | null) ?? null,
    availableAt: row.available_at as number,
    queueDeadline: row.queue_deadline as number,
    result: row.result ? JSON.parse(row.result as string) : null,
    error: row.error ? JSON.parse(row.error as string) : null,
    progressMessage: (row.progress_message as string | null) ?? null,
    progressPercent: (row.progress_percent as number | null) ?? null,
    createdAt: row.created_at as number,
    startedAt: (row.started_at as number | null) ?? null,
    finishedAt: (row.finished_at as number | null) ?? null,
    updatedAt: row.updated_at as number,
  };
}

export function getMeta(sql: SqlStorage, key: string): string | null {
  const rows = sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', key).toArray();
  return rows[0]?.value ?? null;
}

export function setMeta(sql: SqlStorage, key: string, value: string): void {
  sql.exec(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    key,
    value,
  );
}

export function getJob(sql: SqlStorage, id: string): JobRecord | null {
  const row = sql.exec<Row>('SELECT * FROM jobs WHERE id = ?', id).toArray()[0];
  return row ? toJob(row) : null;
}

export function addEvent(sql: SqlStorage, jobId: string, at: number, kind: string, message: string): void {
  sql.exec(
    `INSERT INTO job_events (job_id, seq, at, kind, message)
     VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM job_events WHERE job_id = ?), ?, ?, ?)`,
    jobId,
    jobId,
    at,
    kind,
    message,
  );
}

export function listEvents(sql: SqlStorage, jobId: string): JobEvent[] {
  return sql
    .exec<{ at: number; kind: string; message: string }>(
      'SELECT at, kind, message FROM job_events WHERE job_id = ? ORDER BY seq',
      jobId,
    )
    .toArray();
}

export function listLogs(sql: SqlStorage, jobId: string, limit = 1000): LogLineRecord[] {
  return sql
    .exec<{ seq: number; at: number; stream: string; text: string }>(
      'SELECT seq, at, stream, text FROM job_logs WHERE job_id = ? ORDER BY seq LIMIT ?',
      jobId,
      limit,
    )
    .toArray();
}

export interface NewJob {
  id: string;
  type: string;
  params: JsonObject;
  maxAttempts: number;
  queueTimeoutMs: number;
}

/** Inserts a job; inserting the same id again is a no-op (the caller retried). */
export function insertJob(sql: SqlStorage, job: NewJob, now: number): JobRecord {
  const existing = getJob(sql, job.id);
  if (existing) return existing;
  sql.exec(
    `INSERT INTO jobs (id, type, params, status, attempt, max_attempts, available_at, queue_deadline, created_at, updated_at)
     VALUES (?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?)`,
    job.id,
    job.type,
    JSON.stringify(job.params),
    job.maxAttempts,
    now,
    now + job.queueTimeoutMs,
    now,
    now,
  );
  addEvent(sql, job.id, now, 'queued', `queued ${job.type}`);
  return getJob(sql, job.id)!;
}

/** Queued jobs that may be handed out now, oldest first. */
export function deliverableJobs(sql: SqlStorage, now: number): JobRecord[] {
  return sql
    .exec<Row>(
      "SELECT * FROM jobs WHERE status = 'queued' AND available_at <= ? ORDER BY created_at, id",
      now,
    )
    .toArray()
    .map(toJob);
}

export function runningJobs(sql: SqlStorage): JobRecord[] {
  return sql
    .exec<Row>("SELECT * FROM jobs WHERE status = 'running' ORDER BY started_at, id")
    .toArray()
    .map(toJob);
}

/** Leases a queued job: it becomes running under a fresh lease id, one attempt more. */
export function leaseJob(
  sql: SqlStorage,
  id: string,
  leaseId: string,
  leaseMs: number,
  now: number,
): JobRecord {
  const job = getJob(sql, id);
  if (job?.status !== 'queued') throw new Error(`job ${id} is not queued`);
  const attempt = job.attempt + 1;
  sql.exec(
    `UPDATE jobs SET status = 'running', attempt = ?, lease_id = ?, lease_expires_at = ?,
       started_at = COALESCE(started_at, ?), updated_at = ? WHERE id = ?`,
    attempt,
    leaseId,
    now + leaseMs,
    now,
    now,
    id,
  );
  sql.exec(
    'INSERT INTO job_leases (job_id, lease_id, attempt, issued_at) VALUES (?, ?, ?, ?)',
    id,
    leaseId,
    attempt,
    now,
  );
  addEvent(sql, id, now, 'leased', `delivered to the agent (attempt ${attempt} of ${job.maxAttempts})`);
  return getJob(sql, id)!;
}

/**
 * Sends a running job again after the agent reconnected: same lease id (so an outcome the agent kept
 * in its outbox still matches), renewed expiry, one attempt more.
 */
export function redeliverJob(sql: SqlStorage, id: string, leaseMs: number, now: number): JobRecord {
  sql.exec(
    "UPDATE jobs SET attempt = attempt + 1, lease_expires_at = ?, updated_at = ? WHERE id = ? AND status = 'running'",
    now + leaseMs,
    now,
    id,
  );
  const job = getJob(sql, id)!;
  addEvent(
    sql,
    id,
    now,
    'redelivered',
    `agent reconnected; sent again under the same lease (attempt ${job.attempt} of ${job.maxAttempts})`,
  );
  return job;
}

export function renewLease(sql: SqlStorage, id: string, leaseMs: number, now: number): number {
  const expires = now + leaseMs;
  sql.exec(
    "UPDATE jobs SET lease_expires_at = ?, updated_at = ? WHERE id = ? AND status = 'running'",
    expires,
    now,
    id,
  );
  return expires;
}

export function isLeaseOf(sql: SqlStorage, jobId: string, leaseId: string): boolean {
  return (
    sql.exec('SELECT 1 FROM job_leases WHERE job_id = ? AND lease_id = ?', jobId, leaseId).toArray().length >
    0
  );
}

export function setProgress(
  sql: SqlStorage,
  id: string,
  message: string,
  percent: number | null,
  now: number,
): void {
  sql.exec(
    'UPDATE jobs SET progress_message = ?, progress_percent = ?, updated_at = ? WHERE id = ?',
    message,
    percent,
    now,
    id,
  );
}

export function finishJob(
  sql: SqlStorage,
  id: string,
  outcome: { status: 'succeeded'; result: JsonObject } | { status: 'failed' | 'cancelled'; error: JobError },
  now: number,
): void {
  sql.exec(
    `UPDATE jobs SET status = ?, result = ?, error = ?, lease_expires_at = NULL, finished_at = ?, updated_at = ?
     WHERE id = ?`,
    outcome.status,
    outcome.status === 'succeeded' ? JSON.stringify(outcome.result) : null,
    outcome.status === 'succeeded' ? null : JSON.stringify(outcome.error),
    now,
    now,
    id,
  );
  const message =
    outcome.status === 'succeeded'
      ? 'succeeded'
      : `${outcome.status}: ${outcome.error.message} (${outcome.error.code})`;
  addEvent(sql, id, now, outcome.status, message);
}

/** Puts a running job back in the queue (its lease expired or the agent asked for a retry). */
export function requeueJob(
  sql: SqlStorage,
  id: string,
  availableAt: number,
  reason: string,
  now: number,
): void {
  sql.exec(
    `UPDATE jobs SET status = 'queued', lease_id = NULL, lease_expires_at = NULL, available_at = ?, updated_at = ?
     WHERE id = ?`,
    availableAt,
    now,
    id,
  );
  addEvent(sql, id, now, 'requeued', reason);
}

export function expiredLeases(sql: SqlStorage, now: number): JobRecord[] {
  return sql
    .exec<Row>("SELECT * FROM jobs WHERE status = 'running' AND lease_expires_at <= ?", now)
    .toArray()
    .map(toJob);
}

export function overdueQueued(sql: SqlStorage, now: number): JobRecord[] {
  return sql
    .exec<Row>("SELECT * FROM jobs WHERE status = 'queued' AND queue_deadline <= ?", now)
    .toArray()
    .map(toJob);
}

/** The next moment something is due: a lease expiry, a delayed retry, a queue deadline. */
export function nextDueAt(sql: SqlStorage, now: number): number | null {
  const row = sql
    .exec<{ due: number | null }>(
      `SELECT MIN(due) AS due FROM (
         SELECT MIN(lease_expires_at) AS due FROM jobs WHERE status = 'running'
         UNION ALL SELECT MIN(queue_deadline) FROM jobs WHERE status = 'queued'
         UNION ALL SELECT MIN(available_at) FROM jobs WHERE status = 'queued' AND available_at > ?
       )`,
      now,
    )
    .toArray()[0];
  return row?.due ?? null;
}

/** Stores log lines; a line whose sequence number is already stored is ignored (a retried call). */
export function appendLogs(sql: SqlStorage, jobId: string, lines: LogLineRecord[]): number {
  for (const line of lines) {
    sql.exec(
      'INSERT OR IGNORE INTO job_logs (job_id, seq, at, stream, text) VALUES (?, ?, ?, ?, ?)',
      jobId,
      line.seq,
      line.at,
      line.stream,
      line.text,
    );
  }
  const row = sql
    .exec<{ s: number | null }>('SELECT MAX(seq) AS s FROM job_logs WHERE job_id = ?', jobId)
    .toArray()[0];
  return row?.s ?? 0;
}

/** Which stack dispatched a job (stack workflows); told when the job ends. */
export function setOrigin(sql: SqlStorage, jobId: string, stackId: string): void {
  sql.exec('INSERT OR IGNORE INTO job_origins (job_id, stack_id) VALUES (?, ?)', jobId, stackId);
}

export function getOrigin(sql: SqlStorage, jobId: string): string | null {
  return (
    sql.exec<{ stack_id: string }>('SELECT stack_id FROM job_origins WHERE job_id = ?', jobId).toArray()[0]
      ?.stack_id ?? null
  );
}

export function listLogsAfter(
  sql: SqlStorage,
  jobId: string,
  afterSeq: number,
  limit: number,
): LogLineRecord[] {
  return sql
    .exec<{ seq: number; at: number; stream: string; text: string }>(
      'SELECT seq, at, stream, text FROM job_logs WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      jobId,
      afterSeq,
      limit,
    )
    .toArray();
}
