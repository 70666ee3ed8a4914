/**
 * A stack's own storage in its Durable Object's SQLite: identity and settings (`stack`), every
 * accepted spec version (`spec_versions`), workflow runs with their steps, jobs and events.
 * Plain functions over `SqlStorage`, like the AgentObject's job store.
 */

import { terminalJobStatuses } from '@kombify/proto/jobs';

export type WorkflowKind = 'provision' | 'deploy' | 'plan' | 'destroy' | 'drift';
export type WorkflowStatus =
  | 'queued'
  | 'running'
  | 'awaiting_approval'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'rejected';
export const terminalWorkflow: ReadonlySet<WorkflowStatus> = new Set([
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
]);
export type StepStatus = 'pending' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';
/** `pending`: persisted, not yet handed to the worker's queue; the rest mirror the AgentObject. */
export type WfJobStatus = 'pending' | 'dispatched' | 'succeeded' | 'failed' | 'cancelled';
export const terminalJob: ReadonlySet<WfJobStatus> = new Set(terminalJobStatuses);

export interface SpecVersion {
  version: number;
  format: 'yaml' | 'json';
  source: string;
  /** resolve() options (image overrides, mirror) and OpenTofu files that came with this version. */
  options: { images?: Record<string, string>; mirror?: string };
  tofu: { files: Record<string, string>; vars?: Record<string, string> } | null;
  name: string;
  kit: string;
  note: string | null;
  createdAt: number;
}

export interface WorkflowRecord {
  id: string;
  kind: WorkflowKind;
  status: WorkflowStatus;
  version: number;
  options: { dry_run?: boolean; auto_approve?: boolean; force?: boolean; volumes?: boolean };
  /** Spec node → worker id, resolved from the bindings when the run was requested. */
  workers: Record<string, string>;
  /** What the generate step produced; later steps read it (so a resumed run uses the same jobs). */
  artifacts: Artifacts | null;
  stepIndex: number;
  error: { code: string; message: string } | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  requestedBy: string | null;
}

export interface Artifacts {
  /** not_applied: what the converge job cannot apply yet (stackkits says which parts). */
  converge: { node: string; params: Record<string, unknown>; not_applied?: string[] }[];
  verify: { node: string; params: Record<string, unknown> }[];
  prechecks: { node: string; params: Record<string, unknown> }[];
  tofu: { node: string; files: Record<string, string>; vars?: Record<string, string> } | null;
}

export interface StepRecord {
  workflowId: string;
  index: number;
  name: string;
  status: StepStatus;
  startedAt: number | null;
  finishedAt: number | null;
  detail: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
}

export interface WfJobRecord {
  id: string;
  workflowId: string;
  stepIndex: number;
  ord: number;
  node: string;
  workerId: string;
  type: string;
  params: Record<string, unknown>;
  status: WfJobStatus;
  result: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  createdAt: number;
  dispatchedAt: number | null;
  deadline: number;
  finishedAt: number | null;
}

export interface EventRecord {
  seq: number;
  workflowId: string | null;
  at: number;
  kind: string;
  step: string | null;
  message: string;
  data: Record<string, unknown> | null;
}

export function migrateStackStore(sql: SqlStorage): void {
  sql.exec(`
    CREATE TABLE IF NOT EXISTS stack (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS spec_versions (
      version INTEGER PRIMARY KEY, format TEXT NOT NULL, source TEXT NOT NULL, options TEXT NOT NULL,
      tofu TEXT, name TEXT NOT NULL, kit TEXT NOT NULL, note TEXT, created_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS workflows (
      id TEXT PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL, version INTEGER NOT NULL,
      options TEXT NOT NULL, workers TEXT NOT NULL, artifacts TEXT, step_index INTEGER NOT NULL DEFAULT 0,
      error TEXT, created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER, requested_by TEXT
    );
    CREATE INDEX IF NOT EXISTS workflows_status_idx ON workflows (status, created_at);
    CREATE TABLE IF NOT EXISTS steps (
      workflow_id TEXT NOT NULL, idx INTEGER NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
      started_at INTEGER, finished_at INTEGER, detail TEXT, error TEXT,
      PRIMARY KEY (workflow_id, idx)
    );
    CREATE TABLE IF NOT EXISTS wf_jobs (
      id TEXT PRIMARY KEY, workflow_id TEXT NOT NULL, step_idx INTEGER NOT NULL, ord INTEGER NOT NULL,
      node TEXT NOT NULL, worker_id TEXT NOT NULL, type TEXT NOT NULL, params TEXT NOT NULL,
      status TEXT NOT NULL, result TEXT, error TEXT, created_at INTEGER NOT NULL,
      dispatched_at INTEGER, deadline INTEGER NOT NULL, finished_at INTEGER
    );
    CREATE INDEX IF NOT EXISTS wf_jobs_wf_idx ON wf_jobs (workflow_id, step_idx, ord);
    CREATE TABLE IF NOT EXISTS wf_events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, workflow_id TEXT, at INTEGER NOT NULL, kind TEXT NOT NULL,
      step TEXT, message TEXT NOT NULL, data TEXT
    );
    CREATE INDEX IF NOT EXISTS wf_events_wf_idx ON wf_events (workflow_id, seq);
  `);
}

type Row = Record<string, SqlStorageValue>;
const json = <T>(v: SqlStorageValue | undefined): T =>
  (v === null || v === undefined ? null : JSON.parse(v as string)) as T;
const num = (v: SqlStorageValue | undefined): number | null =>
  v === null || v === undefined ? null : (v as number);

/** UPDATE of the given columns (none: nothing to do). Table and column names are ours, never input. */
function setColumns(
  sql: SqlStorage,
  table: 'workflows' | 'steps',
  columns: Record<string, SqlStorageValue>,
  where: string,
  args: SqlStorageValue[],
): void {
  const keys = Object.keys(columns);
  if (keys.length === 0) return;
  sql.exec(
    `UPDATE ${table} SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE ${where}`,
    ...keys.map((k) => columns[k]!),
    ...args,
  );
}

// ── stack settings ────────────────────────────────────────────────────────────────────────────

export function getSetting(sql: SqlStorage, key: string): string | null {
  return (
    sql.exec<{ value: string }>('SELECT value FROM stack WHERE key = ?', key).toArray()[0]?.value ?? null
  );
}

export function setSetting(sql: SqlStorage, key: string, value: string | null): void {
  if (value === null) sql.exec('DELETE FROM stack WHERE key = ?', key);
  else
    sql.exec(
      'INSERT INTO stack (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      key,
      value,
    );
}

// ── spec versions ─────────────────────────────────────────────────────────────────────────────

function toVersion(r: Row): SpecVersion {
  return {
    version: r.version as number,
    format: r.format as SpecVersion['format'],
    source: r.source as string,
    options: json(r.options) ?? {},
    tofu: json(r.tofu),
    name: r.name as string,
    kit: r.kit as string,
    note: (r.note as string | null) ?? null,
    createdAt: r.created_at as number,
  };
}

export function addVersion(sql: SqlStorage, v: Omit<SpecVersion, 'version'>): SpecVersion {
  const row = sql
    .exec<Row>(
      `INSERT INTO spec_versions (version, format, source, options, tofu, name, kit, note, created_at)
       VALUES ((SELECT COALESCE(MAX(version), 0) + 1 FROM spec_versions), ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      v.format,
      v.source,
      JSON.stringify(v.options),
      v.tofu ? JSON.stringify(v.tofu) : null,
      v.name,
      v.kit,
      v.note,
      v.createdAt,
    )
    .one();
  return toVersion(row);
}

export function getVersion(sql: SqlStorage, version: number): SpecVersion | null {
  const row = sql.exec<Row>('SELECT * FROM spec_versions WHERE version = ?', version).toArray()[0];
  return row ? toVersion(row) : null;
}

export function listVersions(sql: SqlStorage): SpecVersion[] {
  return sql.exec<Row>('SELECT * FROM spec_versions ORDER BY version DESC').toArray().map(toVersion);
}

// ── workflows ─────────────────────────────────────────────────────────────────────────────────

function toWorkflow(r: Row): WorkflowRecord {
  return {
    id: r.id as string,
    kind: r.kind as WorkflowKind,
    status: r.status as WorkflowStatus,
    version: r.version as number,
    options: json(r.options) ?? {},
    workers: json(r.workers) ?? {},
    artifacts: json(r.artifacts),
    stepIndex: r.step_index as number,
    error: json(r.error),
    createdAt: r.created_at as number,
    startedAt: num(r.started_at),
    finishedAt: num(r.finished_at),
    requestedBy: (r.requested_by as string | null) ?? null,
  };
}

export function insertWorkflow(
  sql: SqlStorage,
  wf: Pick<WorkflowRecord, 'id' | 'kind' | 'version' | 'options' | 'workers' | 'requestedBy'>,
  steps: string[],
  now: number,
): void {
  sql.exec(
    `INSERT INTO workflows (id, kind, status, version, options, workers, created_at, requested_by)
     VALUES (?, ?, 'queued', ?, ?, ?, ?, ?)`,
    wf.id,
    wf.kind,
    wf.version,
    JSON.stringify(wf.options),
    JSON.stringify(wf.workers),
    now,
    wf.requestedBy,
  );
  steps.forEach((name, idx) => {
    sql.exec(
      "INSERT INTO steps (workflow_id, idx, name, status) VALUES (?, ?, ?, 'pending')",
      wf.id,
      idx,
      name,
    );
  });
}

export function getWorkflow(sql: SqlStorage, id: string): WorkflowRecord | null {
  const row = sql.exec<Row>('SELECT * FROM workflows WHERE id = ?', id).toArray()[0];
  return row ? toWorkflow(row) : null;
}

export function listWorkflows(sql: SqlStorage, limit: number, offset: number): WorkflowRecord[] {
  return sql
    .exec<Row>('SELECT * FROM workflows ORDER BY created_at DESC, id LIMIT ? OFFSET ?', limit, offset)
    .toArray()
    .map(toWorkflow);
}

export function countWorkflows(sql: SqlStorage): number {
  return sql.exec<{ n: number }>('SELECT count(*) AS n FROM workflows').one().n;
}

/** The run in progress (at most one), else null. */
export function activeWorkflow(sql: SqlStorage): WorkflowRecord | null {
  const row = sql
    .exec<Row>("SELECT * FROM workflows WHERE status IN ('running', 'awaiting_approval') LIMIT 1")
    .toArray()[0];
  return row ? toWorkflow(row) : null;
}

export function nextQueued(sql: SqlStorage): WorkflowRecord | null {
  const row = sql
    .exec<Row>("SELECT * FROM workflows WHERE status = 'queued' ORDER BY created_at, id LIMIT 1")
    .toArray()[0];
  return row ? toWorkflow(row) : null;
}

export function updateWorkflow(
  sql: SqlStorage,
  id: string,
  change: Partial<
    Pick<WorkflowRecord, 'status' | 'stepIndex' | 'error' | 'artifacts' | 'startedAt' | 'finishedAt'>
  >,
): void {
  const columns: Record<string, SqlStorageValue> = {};
  if (change.status !== undefined) columns.status = change.status;
  if (change.stepIndex !== undefined) columns.step_index = change.stepIndex;
  if (change.error !== undefined) columns.error = change.error ? JSON.stringify(change.error) : null;
  if (change.artifacts !== undefined) columns.artifacts = JSON.stringify(change.artifacts);
  if (change.startedAt !== undefined) columns.started_at = change.startedAt;
  if (change.finishedAt !== undefined) columns.finished_at = change.finishedAt;
  setColumns(sql, 'workflows', columns, 'id = ?', [id]);
}

// ── steps ─────────────────────────────────────────────────────────────────────────────────────

function toStep(r: Row): StepRecord {
  return {
    workflowId: r.workflow_id as string,
    index: r.idx as number,
    name: r.name as string,
    status: r.status as StepStatus,
    startedAt: num(r.started_at),
    finishedAt: num(r.finished_at),
    detail: json(r.detail),
    error: json(r.error),
  };
}

export function listSteps(sql: SqlStorage, workflowId: string): StepRecord[] {
  return sql
    .exec<Row>('SELECT * FROM steps WHERE workflow_id = ? ORDER BY idx', workflowId)
    .toArray()
    .map(toStep);
}

export function getStep(sql: SqlStorage, workflowId: string, index: number): StepRecord | null {
  const row = sql
    .exec<Row>('SELECT * FROM steps WHERE workflow_id = ? AND idx = ?', workflowId, index)
    .toArray()[0];
  return row ? toStep(row) : null;
}

export function updateStep(
  sql: SqlStorage,
  workflowId: string,
  index: number,
  change: Partial<Pick<StepRecord, 'status' | 'startedAt' | 'finishedAt' | 'detail' | 'error'>>,
): void {
  const columns: Record<string, SqlStorageValue> = {};
  if (change.status !== undefined) columns.status = change.status;
  if (change.startedAt !== undefined) columns.started_at = change.startedAt;
  if (change.finishedAt !== undefined) columns.finished_at = change.finishedAt;
  if (change.detail !== undefined) columns.detail = JSON.stringify(change.detail);
  if (change.error !== undefined) columns.error = change.error ? JSON.stringify(change.error) : null;
  setColumns(sql, 'steps', columns, 'workflow_id = ? AND idx = ?', [workflowId, index]);
}

// ── jobs ──────────────────────────────────────────────────────────────────────────────────────

function toJob(r: Row): WfJobRecord {
  return {
    id: r.id as string,
    workflowId: r.workflow_id as string,
    stepIndex: r.step_idx as number,
    ord: r.ord as number,
    node: r.node as string,
    workerId: r.worker_id as string,
    type: r.type as string,
    params: json(r.params) ?? {},
    status: r.status as WfJobStatus,
    result: json(r.result),
    error: json(r.error),
    createdAt: r.created_at as number,
    dispatchedAt: num(r.dispatched_at),
    deadline: r.deadline as number,
    finishedAt: num(r.finished_at),
  };
}

export function insertJob(
  sql: SqlStorage,
  job: Pick<
    WfJobRecord,
    'id' | 'workflowId' | 'stepIndex' | 'ord' | 'node' | 'workerId' | 'type' | 'params' | 'deadline'
  >,
  now: number,
): void {
  sql.exec(
    `INSERT INTO wf_jobs (id, workflow_id, step_idx, ord, node, worker_id, type, params, status, created_at, deadline)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
    job.id,
    job.workflowId,
    job.stepIndex,
    job.ord,
    job.node,
    job.workerId,
    job.type,
    JSON.stringify(job.params),
    now,
    job.deadline,
  );
}

export function getJob(sql: SqlStorage, id: string): WfJobRecord | null {
  const row = sql.exec<Row>('SELECT * FROM wf_jobs WHERE id = ?', id).toArray()[0];
  return row ? toJob(row) : null;
}

export function jobsOf(sql: SqlStorage, workflowId: string, stepIndex?: number): WfJobRecord[] {
  const rows =
    stepIndex === undefined
      ? sql.exec<Row>(
          'SELECT * FROM wf_jobs WHERE workflow_id = ? ORDER BY created_at, step_idx, ord',
          workflowId,
        )
      : sql.exec<Row>(
          'SELECT * FROM wf_jobs WHERE workflow_id = ? AND step_idx = ? ORDER BY ord',
          workflowId,
          stepIndex,
        );
  return rows.toArray().map(toJob);
}

/** Jobs not yet ended, across all workflows (the alarm polls these as a backstop). */
export function openJobs(sql: SqlStorage): WfJobRecord[] {
  return sql
    .exec<Row>("SELECT * FROM wf_jobs WHERE status IN ('pending', 'dispatched') ORDER BY created_at")
    .toArray()
    .map(toJob);
}

/** The job's timeout runs from its dispatch (a sequential step's later jobs wait their turn first). */
export function markDispatched(sql: SqlStorage, id: string, now: number, deadline: number): void {
  sql.exec(
    "UPDATE wf_jobs SET status = 'dispatched', dispatched_at = ?, deadline = ? WHERE id = ? AND status = 'pending'",
    now,
    deadline,
    id,
  );
}

/** Records a job's end once; returns false when it had already ended. */
export function finishJob(
  sql: SqlStorage,
  id: string,
  outcome: {
    status: 'succeeded' | 'failed' | 'cancelled';
    result?: unknown;
    error?: { code: string; message: string } | null;
  },
  now: number,
): boolean {
  const cursor = sql.exec(
    `UPDATE wf_jobs SET status = ?, result = ?, error = ?, finished_at = ?
     WHERE id = ? AND status IN ('pending', 'dispatched')`,
    outcome.status,
    outcome.result === undefined ? null : JSON.stringify(outcome.result),
    outcome.error ? JSON.stringify(outcome.error) : null,
    now,
    id,
  );
  return cursor.rowsWritten > 0;
}

// ── events ────────────────────────────────────────────────────────────────────────────────────

export function addEvent(
  sql: SqlStorage,
  e: { workflowId: string | null; kind: string; step?: string | null; message: string; data?: unknown },
  now: number,
): number {
  return sql
    .exec<{ seq: number }>(
      'INSERT INTO wf_events (workflow_id, at, kind, step, message, data) VALUES (?, ?, ?, ?, ?, ?) RETURNING seq',
      e.workflowId,
      now,
      e.kind,
      e.step ?? null,
      e.message,
      e.data === undefined ? null : JSON.stringify(e.data),
    )
    .one().seq;
}

export function eventsOf(sql: SqlStorage, workflowId: string, afterSeq = 0, limit = 1000): EventRecord[] {
  return sql
    .exec<Row>(
      'SELECT * FROM wf_events WHERE workflow_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      workflowId,
      afterSeq,
      limit,
    )
    .toArray()
    .map((r) => ({
      seq: r.seq as number,
      workflowId: (r.workflow_id as string | null) ?? null,
      at: r.at as number,
      kind: r.kind as string,
      step: (r.step as string | null) ?? null,
      message: r.message as string,
      data: json(r.data),
    }));
}
