/**
 * The workflow engine's loop: a state machine over the rows in stack-store.ts. Nothing lives only in
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
import { randomId } from '../../platform/ids.ts';
import {
  type EngineDeps,
  event,
  type JobOutcome,
  setStackStatus,
  stackStatus,
  type WorkflowOptions,
} from './engine-deps.ts';
import type { StepRecord, WorkflowKind, WorkflowRecord } from './stack-store.ts';
import * as store from './stack-store.ts';
import { pumpJobs, settleJob } from './step-jobs.ts';
import { startStep } from './step-start.ts';
import { finishWorkflow } from './workflow-finish.ts';

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

/** Applies a job's end (from the AgentObject's report, or the poll), then moves on. */
export async function jobEnded(deps: EngineDeps, jobId: string, outcome: JobOutcome): Promise<boolean> {
  const job = store.getJob(deps.sql, jobId);
  if (!job) return false;
  const applied = await settleJob(deps, job, outcome);
  if (applied) await advance(deps);
  return applied;
}

/**
 * The alarm's work: dispatch what is pending, fail jobs past their deadline, start a drift check
 * when one is due, move on. A job's end is not polled for: the AgentObject tells the stack
 * (`jobEnded`) and keeps retrying until the stack took it. Returns when the alarm should fire
 * next (null: no need).
 */
export async function tick(deps: EngineDeps): Promise<number | null> {
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
  for (const j of open.filter((j) => j.status === 'dispatched')) wakes.push(j.deadline);
  if (driftIntervalMs(deps) > 0)
    wakes.push(Number(store.getSetting(deps.sql, 'next_drift_at') ?? String(now)));
  return wakes.length > 0 ? Math.max(now + 10, Math.min(...wakes)) : null;
}
