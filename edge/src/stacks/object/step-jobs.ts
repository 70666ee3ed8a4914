/** A running job step: dispatch its jobs (in order where the step needs it), time them out, settle their ends. */
import { completeStep, type EngineDeps, event, type JobOutcome, jobSummaries } from './engine-deps.ts';
import type { Artifacts, StepRecord, WfJobRecord, WorkflowRecord } from './stack-store.ts';
import * as store from './stack-store.ts';
import { evaluateStep } from './step-results.ts';
import { withSwarmInputs } from './swarm-inputs.ts';

/**
 * Steps whose jobs run one after another: apply follows the plan's node order; a swarm's remove
 * takes its services down before its members leave.
 */
function sequential(wf: WorkflowRecord, step: StepRecord): boolean {
  return (
    step.name === 'apply' || (step.name === 'remove' && Boolean((wf.artifacts as Artifacts | null)?.swarm))
  );
}

/** Dispatches what may go now, applies timeouts, and ends the step when its jobs have ended. */
export async function pumpJobs(deps: EngineDeps, wf: WorkflowRecord, step: StepRecord): Promise<boolean> {
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
  const oneByOne = sequential(wf, step);
  for (const job of current) {
    if (job.status === 'dispatched' && oneByOne) break;
    if (job.status !== 'pending') continue;
    try {
      await deps.dispatcher.enqueue(withSwarmInputs(deps, wf, job));
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
    if (oneByOne) break;
  }
  return false;
}

export async function settleJob(deps: EngineDeps, job: WfJobRecord, outcome: JobOutcome): Promise<boolean> {
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
