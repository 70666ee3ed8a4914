/** Worker operations of the orchestrator: approval for stacks and pre-checks on demand. */
import type { JsonObject } from '@bufbuild/protobuf';
import { parseJobParams } from '@kombify/proto/jobs';
import { agentQueue } from '../jobs/agent-queue.ts';
import { deleteJobIndex, insertJobIndex } from '../jobs/index-store.ts';
import type { JobView } from '../jobs/job-view.ts';
import { ApiError } from '../platform/errors.ts';
import { randomId } from '../platform/ids.ts';
import type { OrchContext } from '../stacks/access.ts';
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
 * Runs `node.prechecks` on the worker now and waits (up to `waitMs`) for the verdict. A worker that
 * does not answer in time gets the job anyway: the answer is then the queued or running job, to
 * follow at /v1/orchestrator/jobs/{id}.
 */
export async function runPrechecks(
  ctx: OrchContext,
  id: string,
  params: Record<string, unknown>,
  waitMs = 30_000,
): Promise<{ done: boolean; job: JobView }> {
  await worker(ctx, id);
  const parsed = parseJobParams('node.prechecks', params);
  if (!parsed.ok) {
    throw new ApiError(
      'VALIDATION_FAILED',
      `invalid pre-checks: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      {
        details: parsed.issues,
      },
    );
  }
  const jobId = randomId('job');
  if (
    !(await insertJobIndex(ctx.db, {
      id: jobId,
      orgId: ctx.principal.orgId,
      agentId: id,
      type: 'node.prechecks',
    }))
  ) {
    throw new ApiError('NOT_FOUND', `worker ${id} not found`);
  }
  const queue = agentQueue(ctx.env, id);
  let job: JobView;
  try {
    job = await queue.enqueue({
      id: jobId,
      orgId: ctx.principal.orgId,
      agentId: id,
      type: 'node.prechecks',
      params: parsed.value as JsonObject,
    });
  } catch (cause) {
    await deleteJobIndex(ctx.db, jobId);
    throw new ApiError(
      'SERVICE_UNAVAILABLE',
      'the worker queue did not accept the job; nothing was queued, retry',
      { cause },
    );
  }
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if (job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled')
      return { done: true, job };
    await new Promise((r) => setTimeout(r, 250));
    job = (await queue.getJob(jobId)) ?? job;
  }
  return { done: false, job };
}
