/**
 * What every part of the workflow engine shares: its dependencies (the stack's storage, how jobs
 * reach workers, the clock), the run's events, the stack's status, a step's end, and the plan a
 * run works from.
 */
import type { TofuBackend } from '@kombify/proto/jobs';
import { type Plan, parseSpec, resolve, validateSpec } from '@kombify/stackkits';
import type { StepRecord, WfJobRecord, WorkflowRecord } from './stack-store.ts';
import * as store from './stack-store.ts';

export interface JobOutcome {
  status: 'succeeded' | 'failed' | 'cancelled';
  result?: unknown;
  error?: { code: string; message: string } | null;
}

/** How the engine reaches workers; the StackObject's goes through AgentObjects, tests use a fake. */
export interface Dispatcher {
  /** Hands a persisted job to its worker's queue. Idempotent by job id. */
  enqueue(job: WfJobRecord): Promise<void>;
  cancel(job: WfJobRecord, reason: string): Promise<void>;
  /** Whether the worker's agent is connected now (unknown: assume so). */
  connected?(workerId: string): Promise<boolean>;
}

export interface EngineDeps {
  sql: store.StackDb;
  stackId: string;
  dispatcher: Dispatcher;
  now(): number;
  /** A job that has not ended this long after dispatch is cancelled and fails its step. */
  jobTimeoutMs: number;
  /**
   * The stack's OpenTofu HTTP state backend (the StackObject, via `stateBackendFor`) with a fresh
   * short-lived credential: asked once for the plan and again for the apply, which may come long
   * after an approval. Without it tofu jobs keep the agent's local state (engine unit tests).
   */
  tofuBackend?: () => Promise<TofuBackend>;
  /**
   * The store versions of the org's secrets at these paths (missing paths absent); the generate
   * step pins them into the converge jobs as `secret_rev`. Without it a plan using secrets fails.
   */
  secretVersions?: (paths: string[]) => Promise<Map<string, number>>;
  /** Told when the stack's status changes (mirrored into the Postgres index). */
  onStackStatus?: (status: string) => Promise<void> | void;
}

export type StackStatus = 'created' | 'deploying' | 'deployed' | 'failed' | 'destroying' | 'destroyed';

export interface WorkflowOptions {
  dry_run?: boolean;
  auto_approve?: boolean;
  force?: boolean;
  volumes?: boolean;
}

export const event = (
  deps: EngineDeps,
  workflowId: string | null,
  kind: string,
  message: string,
  extra: { step?: string; data?: unknown } = {},
) => store.addEvent(deps.sql, { workflowId, kind, message, ...extra }, deps.now());

export function stackStatus(deps: Pick<EngineDeps, 'sql'>): StackStatus {
  return (store.getSetting(deps.sql, 'status') as StackStatus | null) ?? 'created';
}

export async function setStackStatus(deps: EngineDeps, status: StackStatus): Promise<void> {
  if (stackStatus(deps) === status) return;
  store.setSetting(deps.sql, 'status', status);
  await deps.onStackStatus?.(status);
}

export function completeStep(
  deps: EngineDeps,
  wf: WorkflowRecord,
  step: StepRecord,
  status: 'succeeded' | 'failed' | 'skipped' | 'cancelled',
  detail: Record<string, unknown> | null,
  error: { code: string; message: string } | null = null,
): void {
  store.updateStep(deps.sql, wf.id, step.index, {
    status,
    finishedAt: deps.now(),
    ...(detail ? { detail } : {}),
    error,
  });
  const message = error ? `${step.name} ${status}: ${error.message}` : `${step.name} ${status}`;
  event(deps, wf.id, `step.${status}`, message, { step: step.name, ...(detail ? { data: detail } : {}) });
}

export function planOf(deps: EngineDeps, wf: WorkflowRecord): { plan: Plan; version: store.SpecVersion } {
  const version = store.getVersion(deps.sql, wf.version);
  if (!version) throw new StepError('version_missing', `spec version ${wf.version} is not stored`);
  const parsed =
    version.format === 'yaml' ? parseSpec(version.source) : validateSpec(JSON.parse(version.source));
  if (!parsed.spec) {
    throw new StepError(
      'invalid_spec',
      `spec version ${wf.version} does not validate: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    );
  }
  // A stack deployed onto simulated machines gets Caddy's internal CA: no public CA reaches them.
  const internalTls = store.getSetting(deps.sql, 'proxy_tls') === 'internal';
  return {
    plan: resolve(parsed.spec, { ...version.options, ...(internalTls ? { proxyTls: 'internal' } : {}) }),
    version,
  };
}

export class StepError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export function jobSummaries(jobs: WfJobRecord[]) {
  return jobs.map((j) => ({ id: j.id, node: j.node, type: j.type, status: j.status, error: j.error }));
}
