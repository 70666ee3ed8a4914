/**
 * The StackObject's own SQLite tables: identity and settings (`stack`), every accepted spec
 * version, workflow runs with their steps, jobs and events. The OpenTofu state tables share the
 * database (../../tofu-state/state-schema.ts); drizzle-kit generates one migration history for
 * both into ./migrations (`npm run db:generate:objects`). The tables keep the shape the
 * hand-written schema gave them, so objects created before drizzle open without a data migration.
 */
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export type WorkflowKind = 'provision' | 'deploy' | 'plan' | 'destroy' | 'drift';
export type WorkflowStatus =
  | 'queued'
  | 'running'
  | 'awaiting_approval'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'rejected';
export type StepStatus = 'pending' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';
/** `pending`: persisted, not yet handed to the worker's queue; the rest mirror the AgentObject. */
export type WfJobStatus = 'pending' | 'dispatched' | 'succeeded' | 'failed' | 'cancelled';

// The JSON column types are type aliases, not interfaces: the API response schemas they flow into
// have index signatures, which only object type literals satisfy.
export type StepError = {
  code: string;
  message: string;
};

/** resolve() options (image overrides, mirror) that came with a spec version. */
export type SpecOptions = {
  images?: Record<string, string>;
  mirror?: string;
};

/** OpenTofu files that came with a spec version. */
export type SpecTofu = {
  files: Record<string, string>;
  vars?: Record<string, string>;
};

export type WorkflowOptions = {
  dry_run?: boolean;
  auto_approve?: boolean;
  force?: boolean;
  volumes?: boolean;
};

export interface Artifacts {
  /** unsupported: what a converge job cannot apply (a container on an overlay; stackkits says which). */
  converge: { node: string; params: Record<string, unknown>; unsupported?: string[] }[];
  verify: { node: string; params: Record<string, unknown> }[];
  prechecks: { node: string; params: Record<string, unknown> }[];
  tofu: { node: string; files: Record<string, string>; vars?: Record<string, string> } | null;
  /** The store versions of the secrets the converge jobs use (path → version; no value). */
  secret_versions?: Record<string, number>;
  /** The Swarm jobs (stackkits' toSwarmJobs); absent for a plan without a swarm. */
  swarm?: SwarmArtifacts | null;
}

type Job = { node: string; params: Record<string, unknown> };

export interface SwarmArtifacts {
  leader: string;
  members: { node: string; role: 'manager' | 'worker' }[];
  init: Job;
  joins: Job[];
  services: Job;
  verify: Job;
  /**
   * Members of the deployed swarm that this plan no longer has, with the worker each ran on (from
   * the deployed record): drained by swarm.services, then each leaves and the leader forgets it.
   */
  dropped?: { node: string; worker_id: string }[];
}

const json = <T>(name: string) => text(name, { mode: 'json' }).$type<T>();

export const stack = sqliteTable('stack', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const specVersions = sqliteTable('spec_versions', {
  version: integer('version').primaryKey(),
  format: text('format').$type<'yaml' | 'json'>().notNull(),
  source: text('source').notNull(),
  options: json<SpecOptions>('options').notNull(),
  tofu: json<SpecTofu>('tofu'),
  name: text('name').notNull(),
  kit: text('kit').notNull(),
  note: text('note'),
  createdAt: integer('created_at').notNull(),
});

export const workflows = sqliteTable(
  'workflows',
  {
    id: text('id').primaryKey(),
    kind: text('kind').$type<WorkflowKind>().notNull(),
    status: text('status').$type<WorkflowStatus>().notNull(),
    version: integer('version').notNull(),
    options: json<WorkflowOptions>('options').notNull(),
    /** Spec node → worker id, resolved from the bindings when the run was requested. */
    workers: json<Record<string, string>>('workers').notNull(),
    /** What the generate step produced; later steps read it (so a resumed run uses the same jobs). */
    artifacts: json<Artifacts>('artifacts'),
    stepIndex: integer('step_index').notNull().default(0),
    error: json<StepError>('error'),
    createdAt: integer('created_at').notNull(),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
    requestedBy: text('requested_by'),
  },
  (t) => [index('workflows_status_idx').on(t.status, t.createdAt)],
);

export const steps = sqliteTable(
  'steps',
  {
    workflowId: text('workflow_id').notNull(),
    index: integer('idx').notNull(),
    name: text('name').notNull(),
    status: text('status').$type<StepStatus>().notNull(),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
    detail: json<Record<string, unknown>>('detail'),
    error: json<StepError>('error'),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.index] })],
);

export const wfJobs = sqliteTable(
  'wf_jobs',
  {
    id: text('id').primaryKey(),
    workflowId: text('workflow_id').notNull(),
    stepIndex: integer('step_idx').notNull(),
    ord: integer('ord').notNull(),
    node: text('node').notNull(),
    workerId: text('worker_id').notNull(),
    type: text('type').notNull(),
    params: json<Record<string, unknown>>('params').notNull(),
    status: text('status').$type<WfJobStatus>().notNull(),
    result: json<Record<string, unknown>>('result'),
    error: json<StepError>('error'),
    createdAt: integer('created_at').notNull(),
    dispatchedAt: integer('dispatched_at'),
    deadline: integer('deadline').notNull(),
    finishedAt: integer('finished_at'),
  },
  (t) => [index('wf_jobs_wf_idx').on(t.workflowId, t.stepIndex, t.ord)],
);

export const wfEvents = sqliteTable(
  'wf_events',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    workflowId: text('workflow_id'),
    at: integer('at').notNull(),
    kind: text('kind').notNull(),
    step: text('step'),
    message: text('message').notNull(),
    data: json<Record<string, unknown>>('data'),
  },
  (t) => [index('wf_events_wf_idx').on(t.workflowId, t.seq)],
);
