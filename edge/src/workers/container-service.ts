/**
 * A worker's containers, asked of the worker through jobs (its agent dials out; nothing connects
 * in): the list, one container's logs, and start / stop / restart. The agent reaches only the
 * containers kombify manages there; a refusal keeps the agent's reason.
 */
import { agentQueue, type JobView } from '../jobs/index.ts';
import { ApiError } from '../platform/errors.ts';
import type { OrchContext } from '../stacks/index.ts';
import { runOnWorker } from './service.ts';

/** How long a view waits for the worker before saying it did not answer. */
export const ASK_WAIT_MS = 20_000;

/**
 * Runs a job on the worker and waits for its end. A worker that does not answer in time is said
 * to be away, and the job is cancelled so it does not run when the worker comes back.
 */
export async function askWorker(
  ctx: OrchContext,
  id: string,
  job: { type: string; params: Record<string, unknown>; what: string },
  waitMs = ASK_WAIT_MS,
): Promise<JobView> {
  const { done, job: view } = await runOnWorker(ctx, id, job, waitMs);
  if (!done) {
    await agentQueue(ctx.env, id).cancelJob(view.id, `${job.what}: no answer within ${waitMs / 1000} s`);
    throw new ApiError(
      'SERVICE_UNAVAILABLE',
      `worker ${id} did not answer within ${waitMs / 1000} s; is it online? (GET /v1/orchestrator/workers/${id})`,
    );
  }
  if (view.status === 'succeeded') return view;
  const reason = view.error?.message ?? view.status;
  switch (view.error?.code) {
    case 'not_found':
      throw new ApiError('NOT_FOUND', reason);
    case 'not_managed':
      throw new ApiError('AUTH_INSUFFICIENT', reason);
    case 'docker_unavailable':
      throw new ApiError('SERVICE_UNAVAILABLE', `the worker's Docker engine: ${reason}`);
    default:
      throw new ApiError('CONFLICT', `${job.what} failed on the worker: ${reason}`);
  }
}

export async function listContainers(ctx: OrchContext, id: string, waitMs = ASK_WAIT_MS) {
  const job = await askWorker(
    ctx,
    id,
    { type: 'docker.containers', params: {}, what: 'listing containers' },
    waitMs,
  );
  return (job.result as { containers?: unknown[] } | null)?.containers ?? [];
}

export async function containerAction(
  ctx: OrchContext,
  id: string,
  name: string,
  action: string,
  waitMs = ASK_WAIT_MS,
) {
  const what = `${action} ${name}`;
  const job = await askWorker(
    ctx,
    id,
    { type: 'docker.container.action', params: { name, action }, what },
    waitMs,
  );
  return job.result;
}
