/** Worker operations of the orchestrator: approval for stacks and pre-checks on demand. */
import { isTerminal } from '@kombify/proto/jobs';
import { agentQueue, type JobView, submitJob } from '../jobs/index.ts';
import { ApiError } from '../platform/errors.ts';
import { unwrap } from '../platform/result.ts';
import type { OrchContext } from '../stacks/index.ts';
import { isAgentId } from './agent-token.ts';
import { type AgentRow, approveAgent, getAgent } from './store.ts';

async function worker(ctx: OrchContext, id: string): Promise<AgentRow> {
  const row = isAgentId(id) ? await getAgent(ctx.db, ctx.principal.orgId, id) : null;
  if (!row) throw new ApiError('NOT_FOUND', `worker ${id} not found`);
  return row;
}

export async function approveWorker(ctx: OrchContext, id: string): Promise<AgentRow> {
  await worker(ctx, id);
  return (await approveAgent(ctx.db, ctx.principal.orgId, id, `${ctx.principal.kind}:${ctx.principal.id}`))!;
}

/**
 * Runs a job on the worker now and waits (up to `waitMs`) for it to end: the worker's AgentObject
 * answers when it does. A wait cut short (the object restarted) answers with the job as queued.
 */
export async function runOnWorker(
  ctx: OrchContext,
  id: string,
  job: { type: string; params: Record<string, unknown>; what: string },
  waitMs: number,
): Promise<{ done: boolean; job: JobView }> {
  await worker(ctx, id);
  const queued = unwrap(await submitJob(ctx, { orgId: ctx.principal.orgId, agentId: id, ...job }));
  const view =
    waitMs > 0 && !isTerminal(queued.status)
      ? ((await agentQueue(ctx.env, id)
          .waitForJob(queued.id, waitMs)
          .catch(() => null)) ?? queued)
      : queued;
  return { done: isTerminal(view.status), job: view };
}

/**
 * Runs `node.prechecks` on the worker now and waits (up to `waitMs`) for the verdict. A worker
 * that does not answer in time gets the job anyway: the answer is then the queued or running job,
 * to follow at /v1/orchestrator/jobs/{id}.
 */
export function runPrechecks(ctx: OrchContext, id: string, params: Record<string, unknown>, waitMs = 30_000) {
  return runOnWorker(ctx, id, { type: 'node.prechecks', params, what: 'pre-checks' }, waitMs);
}
