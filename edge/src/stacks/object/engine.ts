/**
 * The workflow engine: a state machine over the rows in stack-store.ts. Nothing lives only in
 * memory — every call reads the persisted state, moves it forward as far as it can, and writes it
 * back — so a restarted edge resumes a run from its rows (the StackObject's alarm calls `tick`).
 *
 *   workflow  queued ─▶ running ─▶ (awaiting_approval ─▶ running) ─▶ succeeded | failed | cancelled | rejected
 *   step      pending ─▶ running | waiting ─▶ succeeded | failed | skipped | cancelled
 *   job       pending (persisted) ─dispatch─▶ dispatched ─end─▶ succeeded | failed | cancelled
 *
 * One run per stack at a time: a later request waits `queued` until the current one ends. Jobs are
 * written before they are handed to the worker's AgentObject; the AgentObject reports their end
 * back (`jobEnded`), and `tick` polls the jobs still open in case a report was lost.
 */
import { isJobType, parseJobParams, type TofuBackend } from '@kombify/proto/jobs';
import { type Plan, parseSpec, resolve, validateSpec } from '@kombify/stackkits';
import { randomId } from '../../platform/ids.ts';
import { generateArtifacts } from './artifacts.ts';
import type { Artifacts, StepRecord, WfJobRecord, WorkflowKind, WorkflowRecord } from './stack-store.ts';
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
  /** The job's end if it has ended, else null (the backstop poll). */
  outcome(job: WfJobRecord): Promise<JobOutcome | null>;
}

export interface EngineDeps {
  sql: store.StackDb;
  stackId: string;
  dispatcher: Dispatcher;
  now(): number;
  /** A job that has not ended this long after dispatch is cancelled and fails its step. */
  jobTimeoutMs: number;
  /** Backstop poll interval while jobs are open. */
  pollMs: number;
  /**
   * The stack's OpenTofu HTTP state backend (the StackObject, via `stateBackendFor`) with a fresh
   * short-lived credential: asked once for the plan and again for the apply, which may come long
   * after an approval. Without it tofu jobs keep the agent's local state (engine unit tests).
   */
  tofuBackend?: () => Promise<TofuBackend>;
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

export function stepsFor(kind: WorkflowKind, options: WorkflowOptions): string[] {
  switch (kind) {
    case 'provision':
    case 'deploy':
      return options.dry_run
        ? ['validate', 'resolve', 'generate', 'prechecks', 'plan']
        : ['validate', 'resolve', 'generate', 'prechecks', 'plan', 'approval', 'apply', 'verify'];
    case 'plan':
      return ['validate', 'resolve', 'generate', 'prechecks', 'plan'];
    case 'drift':
      return ['validate', 'resolve', 'generate', 'plan'];
    case 'destroy':
      // The plan step only has work when the stack has OpenTofu files (a `plan -destroy`).
      return ['validate', 'resolve', 'generate', 'plan', 'approval', 'remove'];
  }
}

const event = (
  deps: EngineDeps,
  workflowId: string | null,
  kind: string,
  message: string,
  extra: { step?: string; data?: unknown } = {},
) => store.addEvent(deps.sql, { workflowId, kind, message, ...extra }, deps.now());

export function stackStatus(deps: Pick<EngineDeps, 'sql'>): StackStatus {
  return (store.getSetting(deps.sql, 'status') as StackStatus | null) ?? 'created';
}

async function setStackStatus(deps: EngineDeps, status: StackStatus): Promise<void> {
  if (stackStatus(deps) === status) return;
  store.setSetting(deps.sql, 'status', status);
  await deps.onStackStatus?.(status);
}

/** Queues a run; it starts at once when no other run of this stack is in progress. */
export async function createWorkflow(
  deps: EngineDeps,
  input: {
    kind: WorkflowKind;
    version: number;
    options: WorkflowOptions;
    workers: Record<string, string>;
    requestedBy: string | null;
  },
): Promise<WorkflowRecord> {
  const id = `wfl_${deps.stackId.replace(/^stk_/, '')}_${randomId('x', 10).slice(2)}`;
  store.insertWorkflow(deps.sql, { id, ...input }, stepsFor(input.kind, input.options), deps.now());
  event(deps, id, 'workflow.queued', `${input.kind} of spec version ${input.version} queued`, {
    data: { options: input.options },
  });
  await advance(deps);
  return store.getWorkflow(deps.sql, id)!;
}

/** Moves every run as far as it can go now. */
export async function advance(deps: EngineDeps): Promise<void> {
  for (let guard = 0; guard < 1000; guard++) {
    let wf = store.activeWorkflow(deps.sql);
    if (!wf) {
      const next = store.nextQueued(deps.sql);
      if (!next) return;
      store.updateWorkflow(deps.sql, next.id, { status: 'running', startedAt: deps.now() });
      event(deps, next.id, 'workflow.started', `${next.kind} started`);
      if (next.kind === 'deploy' || next.kind === 'provision') {
        if (!next.options.dry_run) await setStackStatus(deps, 'deploying');
      } else if (next.kind === 'destroy') await setStackStatus(deps, 'destroying');
      wf = store.getWorkflow(deps.sql, next.id)!;
    }
    if (wf.status === 'awaiting_approval') return;
    const step = store.getStep(deps.sql, wf.id, wf.stepIndex);
    if (!step) {
      await finishWorkflow(deps, wf, 'succeeded', null);
      continue;
    }
    const progressed = await runStep(deps, wf, step);
    if (!progressed) return;
  }
}

/** One step forward; false when the step is waiting (for jobs or an approval). */
async function runStep(deps: EngineDeps, wf: WorkflowRecord, step: StepRecord): Promise<boolean> {
  const now = deps.now();
  if (step.status === 'pending') {
    store.updateStep(deps.sql, wf.id, step.index, { status: 'running', startedAt: now });
    event(deps, wf.id, 'step.started', `${step.name} started`, { step: step.name });
    await startStep(deps, wf, { ...step, status: 'running' });
    return true;
  }
  if (step.status === 'waiting') {
    store.updateWorkflow(deps.sql, wf.id, { status: 'awaiting_approval' });
    return false;
  }
  if (step.status === 'running') return await pumpJobs(deps, wf, step);
  if (step.status === 'succeeded' || step.status === 'skipped') {
    store.updateWorkflow(deps.sql, wf.id, { stepIndex: step.index + 1 });
    return true;
  }
  // failed or cancelled: the run ends with it
  await finishWorkflow(deps, wf, step.status === 'cancelled' ? 'cancelled' : 'failed', step.error);
  return true;
}

function completeStep(
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

function planOf(deps: EngineDeps, wf: WorkflowRecord): { plan: Plan; version: store.SpecVersion } {
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
  return { plan: resolve(parsed.spec, version.options), version };
}

class StepError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** Runs a local step to its end, or writes the jobs of a job step. */
async function startStep(deps: EngineDeps, wf: WorkflowRecord, step: StepRecord): Promise<void> {
  try {
    switch (step.name) {
      case 'validate': {
        const version = store.getVersion(deps.sql, wf.version);
        planOf(deps, wf);
        completeStep(deps, wf, step, 'succeeded', {
          version: wf.version,
          name: version?.name,
          kit: version?.kit,
        });
        return;
      }
      case 'resolve': {
        const { plan } = planOf(deps, wf);
        completeStep(deps, wf, step, 'succeeded', {
          kit: plan.stack.kit,
          variant: plan.stack.variant,
          nodes: plan.nodes.map((n) => ({ name: n.name, containers: n.containers.map((c) => c.service) })),
          notes: plan.notes,
        });
        return;
      }
      case 'generate': {
        const { plan, version } = planOf(deps, wf);
        const artifacts = generateArtifacts(deps.stackId, plan, version);
        const missing = [
          ...artifacts.converge.map((c) => c.node),
          ...(artifacts.tofu ? [artifacts.tofu.node] : []),
        ].filter((n) => !wf.workers[n]);
        if (missing.length > 0) {
          throw new StepError('unbound_node', `no worker is bound to node(s) ${missing.join(', ')}`);
        }
        store.updateWorkflow(deps.sql, wf.id, { artifacts });
        completeStep(deps, wf, step, 'succeeded', {
          converge_jobs: artifacts.converge.length,
          verify_checks: artifacts.verify.reduce((n, v) => n + (v.params.checks as unknown[]).length, 0),
          tofu: artifacts.tofu !== null,
        });
        return;
      }
      case 'approval': {
        if (wf.options.auto_approve || wf.options.force) {
          completeStep(deps, wf, step, 'skipped', { approved_by: 'auto_approve' });
          return;
        }
        store.updateStep(deps.sql, wf.id, step.index, { status: 'waiting' });
        store.updateWorkflow(deps.sql, wf.id, { status: 'awaiting_approval' });
        event(
          deps,
          wf.id,
          'step.waiting',
          'waiting for approval (POST /v1/orchestrator/workflows/{id}/approve or /reject)',
          {
            step: step.name,
            data: { plan: store.getStep(deps.sql, wf.id, step.index - 1)?.detail ?? null },
          },
        );
        return;
      }
      default: {
        const specs = await jobSpecs(deps, wf, step);
        // The agent checks params again; checking here fails the step before anything is sent.
        for (const s of specs) {
          const checked = isJobType(s.type) ? parseJobParams(s.type, s.params) : null;
          if (checked && !checked.ok) {
            throw new StepError(
              'invalid_job',
              `${s.type} for node ${s.node}: ${checked.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
            );
          }
        }
        if (specs.length === 0) {
          completeStep(deps, wf, step, 'succeeded', { note: 'nothing to do' });
          return;
        }
        specs.forEach((s, ord) => {
          store.insertJob(
            deps.sql,
            {
              id: randomId('job'),
              workflowId: wf.id,
              stepIndex: step.index,
              ord,
              node: s.node,
              workerId: wf.workers[s.node]!,
              type: s.type,
              params: s.params,
              deadline: deps.now() + deps.jobTimeoutMs,
            },
            deps.now(),
          );
        });
        return;
      }
    }
  } catch (error) {
    const e = error instanceof StepError ? error : new StepError('step_error', (error as Error).message);
    completeStep(deps, wf, step, 'failed', null, { code: e.code, message: e.message });
    return;
  }
}

/** Steps whose jobs run one after another (apply follows the plan's node order). */
const sequentialSteps = new Set(['apply']);

async function jobSpecs(
  deps: EngineDeps,
  wf: WorkflowRecord,
  step: StepRecord,
): Promise<{ node: string; type: string; params: Record<string, unknown> }[]> {
  const a = wf.artifacts as Artifacts;
  const tofuBase = async () => ({
    stack: deps.stackId,
    ...(deps.tofuBackend ? { backend: await deps.tofuBackend() } : {}),
  });
  const tofuApply = async () => {
    const planned = planStepJobs(deps, wf).find((j) => j.type === 'tofu.plan');
    const sha = (planned?.result as { plan_sha256?: string } | null)?.plan_sha256;
    return {
      node: a.tofu!.node,
      type: 'tofu.apply',
      params: { ...(await tofuBase()), plan_sha256: sha ?? '' },
    };
  };
  const destroy = wf.kind === 'destroy';
  switch (step.name) {
    case 'prechecks':
      return a.prechecks.map((p) => ({ node: p.node, type: 'node.prechecks', params: p.params }));
    case 'plan': {
      const jobs: { node: string; type: string; params: Record<string, unknown> }[] = destroy
        ? []
        : a.converge.map((c) => ({
            node: c.node,
            type: 'stack.converge',
            params: { ...c.params, dry_run: true },
          }));
      if (a.tofu) {
        jobs.push({
          node: a.tofu.node,
          type: 'tofu.plan',
          params: {
            ...(await tofuBase()),
            files: a.tofu.files,
            ...(a.tofu.vars ? { vars: a.tofu.vars } : {}),
            ...(destroy ? { destroy: true } : {}),
          },
        });
      }
      return jobs;
    }
    case 'apply': {
      const jobs = a.converge.map((c) => ({ node: c.node, type: 'stack.converge', params: c.params }));
      if (a.tofu) jobs.push(await tofuApply());
      return jobs;
    }
    case 'verify':
      return a.verify.map((v) => ({ node: v.node, type: 'stack.verify', params: v.params }));
    case 'remove': {
      const jobs: { node: string; type: string; params: Record<string, unknown> }[] = a.converge.map((c) => ({
        node: c.node,
        type: 'stack.remove',
        params: { stack: deps.stackId, node: c.node, volumes: wf.options.volumes ?? false },
      }));
      // Applies the reviewed `plan -destroy` from this run's plan step.
      if (a.tofu) jobs.push(await tofuApply());
      return jobs;
    }
    default:
      throw new StepError('unknown_step', `unknown step ${step.name}`);
  }
}

function planStepJobs(deps: EngineDeps, wf: WorkflowRecord): WfJobRecord[] {
  const steps = store.listSteps(deps.sql, wf.id);
  const plan = steps.find((s) => s.name === 'plan');
  return plan ? store.jobsOf(deps.sql, wf.id, plan.index) : [];
}

/** Dispatches what may go now, applies timeouts, and ends the step when its jobs have ended. */
async function pumpJobs(deps: EngineDeps, wf: WorkflowRecord, step: StepRecord): Promise<boolean> {
  const jobs = store.jobsOf(deps.sql, wf.id, step.index);
  const now = deps.now();
  for (const job of jobs) {
    if (job.status === 'dispatched' && job.deadline <= now) {
      const seconds = Math.round(deps.jobTimeoutMs / 1000);
      await settleJob(deps, job, {
        status: 'failed',
        error: {
          code: 'timeout',
          message: `${job.type} on node ${job.node} did not finish within ${seconds} s`,
        },
      });
      await deps.dispatcher.cancel(job, `timed out after ${seconds} s`).catch(() => {});
    }
  }
  const current = store.jobsOf(deps.sql, wf.id, step.index);
  const bad = current.find((j) => j.status === 'failed' || j.status === 'cancelled');
  if (bad) {
    // The rest of the step is not needed any more.
    for (const j of current.filter((j) => !store.terminalJob.has(j.status))) {
      store.finishJob(
        deps.sql,
        j.id,
        { status: 'cancelled', error: { code: 'step_failed', message: 'another job of the step failed' } },
        now,
      );
      if (j.status === 'dispatched')
        await deps.dispatcher.cancel(j, 'another job of the step failed').catch(() => {});
    }
    const error = {
      code: bad.error?.code ?? bad.status,
      message: `${bad.type} on node ${bad.node} ${bad.status}: ${bad.error?.message ?? 'no reason given'}`,
    };
    completeStep(
      deps,
      wf,
      step,
      bad.status === 'cancelled' ? 'cancelled' : 'failed',
      { jobs: jobSummaries(current) },
      error,
    );
    return true;
  }
  if (current.every((j) => j.status === 'succeeded')) {
    evaluateStep(deps, wf, step, current);
    return true;
  }
  const sequential = sequentialSteps.has(step.name);
  for (const job of current) {
    if (job.status === 'dispatched' && sequential) break;
    if (job.status !== 'pending') continue;
    try {
      await deps.dispatcher.enqueue(job);
      store.markDispatched(deps.sql, job.id, deps.now(), deps.now() + deps.jobTimeoutMs);
      event(deps, wf.id, 'job.dispatched', `${job.type} sent to worker ${job.workerId} (node ${job.node})`, {
        step: step.name,
        data: { job_id: job.id, node: job.node, worker_id: job.workerId, type: job.type },
      });
    } catch (error) {
      // Stays pending: the next tick dispatches it again (enqueue is idempotent by job id).
      event(
        deps,
        wf.id,
        'job.dispatch_failed',
        `could not hand ${job.type} to worker ${job.workerId}: ${(error as Error).message}; retrying`,
        {
          step: step.name,
          data: { job_id: job.id },
        },
      );
      return false;
    }
    if (sequential) break;
  }
  return false;
}

function jobSummaries(jobs: WfJobRecord[]) {
  return jobs.map((j) => ({ id: j.id, node: j.node, type: j.type, status: j.status, error: j.error }));
}

interface PrecheckResult {
  name: string;
  status: string;
  message: string;
  blocking: boolean;
}

interface ServiceChange {
  service: string;
  name?: string;
  action: string;
  reason?: string;
  state?: string;
  health?: string;
}

/** A step whose jobs all succeeded: read their results (pre-check verdicts, plan changes, drift). */
function evaluateStep(deps: EngineDeps, wf: WorkflowRecord, step: StepRecord, jobs: WfJobRecord[]): void {
  const results = jobs.map((j) => ({
    node: j.node,
    type: j.type,
    result: (j.result ?? {}) as Record<string, unknown>,
  }));
  // What OpenTofu last applied (a deploy's outputs; none left after a destroy), shown on the stack.
  const applied = results.find((r) => r.type === 'tofu.apply');
  if (applied) store.setSetting(deps.sql, 'tofu_outputs', JSON.stringify(applied.result.outputs ?? {}));
  if (step.name === 'prechecks') {
    const nodes = results.map((r) => ({ node: r.node, checks: (r.result.checks ?? []) as PrecheckResult[] }));
    const blocking = nodes.flatMap((n) =>
      n.checks
        .filter((c) => c.status === 'failed' && c.blocking)
        .map((c) => `${n.node}: ${c.name}: ${c.message}`),
    );
    if (blocking.length > 0) {
      completeStep(
        deps,
        wf,
        step,
        'failed',
        { nodes },
        { code: 'prechecks_failed', message: `blocking pre-checks failed — ${blocking.join('; ')}` },
      );
      return;
    }
    completeStep(deps, wf, step, 'succeeded', { nodes });
    return;
  }
  if (step.name === 'plan' || step.name === 'apply') {
    const nodes = results
      .filter((r) => r.type === 'stack.converge')
      .map((r) => ({
        node: r.node,
        changes: r.result.changes ?? null,
        services: ((r.result.services ?? []) as ServiceChange[]).map((s) => ({
          service: s.service,
          action: s.action,
          ...(s.reason ? { reason: s.reason } : {}),
          ...(s.state ? { state: s.state } : {}),
          ...(s.health ? { health: s.health } : {}),
        })),
      }));
    const tofuJob = results.find((r) => r.type.startsWith('tofu.'));
    const tofu = tofuJob?.result ?? null;
    const detail = { nodes, ...(tofu ? { tofu } : {}) };
    completeStep(deps, wf, step, 'succeeded', detail);
    if (wf.kind === 'drift' && step.name === 'plan') {
      // OpenTofu resources that a plan would change have drifted as much as a changed container.
      const c = (tofu?.changes ?? null) as { add: number; change: number; destroy: number } | null;
      const tofuDrift =
        tofuJob && c && c.add + c.change + c.destroy > 0
          ? [
              {
                node: tofuJob.node,
                services: [
                  {
                    service: 'opentofu',
                    action: 'update',
                    reason: `plan: ${c.add} to add, ${c.change} to change, ${c.destroy} to destroy`,
                  },
                ],
              },
            ]
          : [];
      recordDrift(deps, wf, [...nodes, ...tofuDrift]);
    }
    return;
  }
  completeStep(deps, wf, step, 'succeeded', {
    results: results.map((r) => ({ node: r.node, type: r.type, ...r.result })),
  });
}

function recordDrift(
  deps: EngineDeps,
  wf: WorkflowRecord,
  nodes: { node: string; services: ServiceChange[] }[],
): void {
  const drifted = nodes.flatMap((n) =>
    n.services.filter((s) => s.action !== 'unchanged').map((s) => ({ node: n.node, ...s })),
  );
  const record = {
    checked_at: new Date(deps.now()).toISOString(),
    workflow_id: wf.id,
    drifted: drifted.length > 0,
    services: drifted,
  };
  store.setSetting(deps.sql, 'last_drift', JSON.stringify(record));
  event(
    deps,
    wf.id,
    drifted.length > 0 ? 'drift.detected' : 'drift.none',
    drifted.length > 0
      ? `drift: ${drifted.map((d) => `${d.node}/${d.service} would ${d.action}${d.reason ? ` (${d.reason})` : ''}`).join(', ')}`
      : 'no drift: every service matches the deployed spec',
    { data: record },
  );
}

async function finishWorkflow(
  deps: EngineDeps,
  wf: WorkflowRecord,
  status: 'succeeded' | 'failed' | 'cancelled' | 'rejected',
  error: { code: string; message: string } | null,
): Promise<void> {
  store.updateWorkflow(deps.sql, wf.id, { status, finishedAt: deps.now(), error });
  // Steps that never ran are marked so the history reads cleanly.
  for (const s of store.listSteps(deps.sql, wf.id)) {
    if (s.status === 'pending' || s.status === 'waiting' || s.status === 'running') {
      store.updateStep(deps.sql, wf.id, s.index, {
        status: status === 'succeeded' ? 'skipped' : 'cancelled',
        finishedAt: deps.now(),
      });
    }
  }
  event(
    deps,
    wf.id,
    `workflow.${status}`,
    error ? `${wf.kind} ${status}: ${error.message}` : `${wf.kind} ${status}`,
    {
      ...(error ? { data: { error } } : {}),
    },
  );
  const mutating = (wf.kind === 'deploy' || wf.kind === 'provision') && !wf.options.dry_run;
  if (mutating) {
    if (status === 'succeeded') {
      store.setSetting(
        deps.sql,
        'deployed',
        JSON.stringify({ version: wf.version, workers: wf.workers, workflow_id: wf.id }),
      );
      await setStackStatus(deps, 'deployed');
    } else await setStackStatus(deps, status === 'failed' ? 'failed' : previousStatus(deps));
  } else if (wf.kind === 'destroy') {
    if (status === 'succeeded') {
      store.setSetting(deps.sql, 'deployed', null);
      await setStackStatus(deps, 'destroyed');
    } else await setStackStatus(deps, status === 'failed' ? 'failed' : previousStatus(deps));
  }
}

/** What a cancelled or rejected run leaves the stack as: deployed if a deploy is on record. */
function previousStatus(deps: EngineDeps): StackStatus {
  return store.getSetting(deps.sql, 'deployed') ? 'deployed' : 'created';
}

/** Applies a job's end (from the AgentObject's report, or the poll), then moves on. */
export async function jobEnded(deps: EngineDeps, jobId: string, outcome: JobOutcome): Promise<boolean> {
  const job = store.getJob(deps.sql, jobId);
  if (!job) return false;
  const applied = await settleJob(deps, job, outcome);
  if (applied) await advance(deps);
  return applied;
}

async function settleJob(deps: EngineDeps, job: WfJobRecord, outcome: JobOutcome): Promise<boolean> {
  const applied = store.finishJob(deps.sql, job.id, outcome, deps.now());
  if (!applied) return false;
  const step = store.getStep(deps.sql, job.workflowId, job.stepIndex);
  event(
    deps,
    job.workflowId,
    `job.${outcome.status}`,
    outcome.error
      ? `${job.type} on node ${job.node} ${outcome.status}: ${outcome.error.message} (${outcome.error.code})`
      : `${job.type} on node ${job.node} ${outcome.status}`,
    { step: step?.name ?? undefined, data: { job_id: job.id, node: job.node, type: job.type } },
  );
  return true;
}

export type ActionResult =
  | { ok: true; workflow: WorkflowRecord }
  | { ok: false; code: 'NOT_FOUND' | 'CONFLICT'; message: string };

/** The run if it waits for approval, else why not. */
function awaitingApproval(
  deps: EngineDeps,
  workflowId: string,
): WorkflowRecord | Extract<ActionResult, { ok: false }> {
  const wf = store.getWorkflow(deps.sql, workflowId);
  if (!wf) return { ok: false, code: 'NOT_FOUND', message: `workflow ${workflowId} not found` };
  if (wf.status !== 'awaiting_approval') {
    return {
      ok: false,
      code: 'CONFLICT',
      message: `workflow ${workflowId} is ${wf.status}, not awaiting approval`,
    };
  }
  return wf;
}

export async function approve(deps: EngineDeps, workflowId: string, by: string): Promise<ActionResult> {
  const wf = awaitingApproval(deps, workflowId);
  if ('ok' in wf) return wf;
  const step = store.getStep(deps.sql, wf.id, wf.stepIndex)!;
  store.updateWorkflow(deps.sql, wf.id, { status: 'running' });
  completeStep(deps, wf, step, 'succeeded', { approved_by: by });
  await advance(deps);
  return { ok: true, workflow: store.getWorkflow(deps.sql, wf.id)! };
}

export async function reject(
  deps: EngineDeps,
  workflowId: string,
  by: string,
  reason: string | null,
): Promise<ActionResult> {
  const wf = awaitingApproval(deps, workflowId);
  if ('ok' in wf) return wf;
  const step = store.getStep(deps.sql, wf.id, wf.stepIndex)!;
  const error = { code: 'rejected', message: `rejected by ${by}${reason ? `: ${reason}` : ''}` };
  store.updateStep(deps.sql, wf.id, step.index, { status: 'failed', finishedAt: deps.now(), error });
  event(deps, wf.id, 'approval.rejected', error.message, { step: step.name });
  await finishWorkflow(deps, wf, 'rejected', error);
  await advance(deps);
  return { ok: true, workflow: store.getWorkflow(deps.sql, wf.id)! };
}

/** Cancels a queued or running run; its open jobs are cancelled on their workers. */
export async function cancelWorkflow(
  deps: EngineDeps,
  workflowId: string,
  by: string,
): Promise<ActionResult> {
  const wf = store.getWorkflow(deps.sql, workflowId);
  if (!wf) return { ok: false, code: 'NOT_FOUND', message: `workflow ${workflowId} not found` };
  if (store.terminalWorkflow.has(wf.status)) {
    return {
      ok: false,
      code: 'CONFLICT',
      message: `workflow ${workflowId} already ${wf.status}; nothing to cancel`,
    };
  }
  const reason = `cancelled by ${by}`;
  for (const job of store.jobsOf(deps.sql, wf.id).filter((j) => !store.terminalJob.has(j.status))) {
    await settleJob(deps, job, { status: 'cancelled', error: { code: 'cancelled', message: reason } });
    if (job.status === 'dispatched') await deps.dispatcher.cancel(job, reason).catch(() => {});
  }
  await finishWorkflow(deps, wf, 'cancelled', { code: 'cancelled', message: reason });
  await advance(deps);
  return { ok: true, workflow: store.getWorkflow(deps.sql, wf.id)! };
}

/**
 * The alarm's work: poll the jobs still open (a lost report never hangs a run), start a drift
 * check when one is due, move on. Returns when the alarm should fire next (null: no need).
 */
export async function tick(deps: EngineDeps): Promise<number | null> {
  for (const job of store.openJobs(deps.sql)) {
    if (job.status !== 'dispatched') continue;
    const outcome = await deps.dispatcher.outcome(job).catch(() => null);
    if (outcome) await settleJob(deps, job, outcome);
  }
  await maybeStartDrift(deps);
  await advance(deps);
  return nextWake(deps);
}

export function driftIntervalMs(deps: Pick<EngineDeps, 'sql'>): number {
  return Number(store.getSetting(deps.sql, 'drift_interval_s') ?? '0') * 1000;
}

async function maybeStartDrift(deps: EngineDeps): Promise<void> {
  const interval = driftIntervalMs(deps);
  if (interval <= 0) return;
  const due = Number(store.getSetting(deps.sql, 'next_drift_at') ?? '0');
  const now = deps.now();
  if (due > now) return;
  store.setSetting(deps.sql, 'next_drift_at', String(now + interval));
  const deployed = store.getSetting(deps.sql, 'deployed');
  if (!deployed || stackStatus(deps) !== 'deployed') return;
  if (store.activeWorkflow(deps.sql) || store.nextQueued(deps.sql)) return;
  const { version, workers } = JSON.parse(deployed) as { version: number; workers: Record<string, string> };
  await createWorkflow(deps, { kind: 'drift', version, options: {}, workers, requestedBy: 'drift schedule' });
}

/** When the alarm should fire next for the state as it is (null: nothing to wait for). */
export function nextWake(deps: EngineDeps): number | null {
  const now = deps.now();
  const wakes: number[] = [];
  const open = store.openJobs(deps.sql);
  if (open.some((j) => j.status === 'pending')) wakes.push(now + 2000);
  for (const j of open.filter((j) => j.status === 'dispatched'))
    wakes.push(Math.min(j.deadline, now + deps.pollMs));
  if (driftIntervalMs(deps) > 0)
    wakes.push(Number(store.getSetting(deps.sql, 'next_drift_at') ?? String(now)));
  return wakes.length > 0 ? Math.max(now + 10, Math.min(...wakes)) : null;
}
