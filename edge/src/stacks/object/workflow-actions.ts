/** What a person does to a run: approve or reject it at its approval step, or cancel it. */
import { ok, type Result, refuse } from '../../platform/result.ts';
import { completeStep, type EngineDeps, event } from './engine-deps.ts';
import type { WorkflowRecord } from './stack-store.ts';
import * as store from './stack-store.ts';
import { settleJob } from './step-jobs.ts';
import { finishWorkflow } from './workflow-finish.ts';
import { advance } from './workflow-run.ts';

/** The run after the action, or why it was refused (NOT_FOUND, CONFLICT). */
export type ActionResult = Result<WorkflowRecord, 'NOT_FOUND' | 'CONFLICT'>;

/** The run if it waits for approval, else why not. */
function awaitingApproval(deps: EngineDeps, workflowId: string): ActionResult {
  const wf = store.getWorkflow(deps.sql, workflowId);
  if (!wf) return refuse('NOT_FOUND', `workflow ${workflowId} not found`);
  if (wf.status !== 'awaiting_approval') {
    return refuse('CONFLICT', `workflow ${workflowId} is ${wf.status}, not awaiting approval`);
  }
  return ok(wf);
}

export async function approve(deps: EngineDeps, workflowId: string, by: string): Promise<ActionResult> {
  const waiting = awaitingApproval(deps, workflowId);
  if (!waiting.ok) return waiting;
  const wf = waiting.value;
  const step = store.getStep(deps.sql, wf.id, wf.stepIndex)!;
  store.updateWorkflow(deps.sql, wf.id, { status: 'running' });
  completeStep(deps, wf, step, 'succeeded', { approved_by: by });
  await advance(deps);
  return ok(store.getWorkflow(deps.sql, wf.id)!);
}

export async function reject(
  deps: EngineDeps,
  workflowId: string,
  by: string,
  reason: string | null,
): Promise<ActionResult> {
  const waiting = awaitingApproval(deps, workflowId);
  if (!waiting.ok) return waiting;
  const wf = waiting.value;
  const step = store.getStep(deps.sql, wf.id, wf.stepIndex)!;
  const error = { code: 'rejected', message: `rejected by ${by}${reason ? `: ${reason}` : ''}` };
  store.updateStep(deps.sql, wf.id, step.index, { status: 'failed', finishedAt: deps.now(), error });
  event(deps, wf.id, 'approval.rejected', error.message, { step: step.name });
  await finishWorkflow(deps, wf, 'rejected', error);
  await advance(deps);
  return ok(store.getWorkflow(deps.sql, wf.id)!);
}

/** Cancels a queued or running run; its open jobs are cancelled on their workers. */
export async function cancelWorkflow(
  deps: EngineDeps,
  workflowId: string,
  by: string,
): Promise<ActionResult> {
  const wf = store.getWorkflow(deps.sql, workflowId);
  if (!wf) return refuse('NOT_FOUND', `workflow ${workflowId} not found`);
  if (store.terminalWorkflow.has(wf.status)) {
    return refuse('CONFLICT', `workflow ${workflowId} already ${wf.status}; nothing to cancel`);
  }
  const reason = `cancelled by ${by}`;
  for (const job of store.jobsOf(deps.sql, wf.id).filter((j) => !store.terminalJob.has(j.status))) {
    await settleJob(deps, job, { status: 'cancelled', error: { code: 'cancelled', message: reason } });
    if (job.status === 'dispatched') await deps.dispatcher.cancel(job, reason).catch(() => {});
  }
  await finishWorkflow(deps, wf, 'cancelled', { code: 'cancelled', message: reason });
  await advance(deps);
  return ok(store.getWorkflow(deps.sql, wf.id)!);
}
