/**
 * `GET /stacks/{id}/swarm` (issue 22): the stack's swarm as one of its managers sees it now —
 * members with role, state, reachability and the leader, the stack's tasks per node, each
 * service's running/desired tasks and update state — from a read-only `swarm.status` job. The
 * managers are asked in the plan's order (the leader first), each for a share of the wait, so a
 * killed leader's node does not hide the swarm that survived it.
 */
import { isTerminal } from '@kombify/proto/jobs';
import { resolve } from '@kombify/stackkits';
import { agentQueue, type JobView, submitJob } from '../jobs/index.ts';
import { ApiError } from '../platform/errors.ts';
import { unwrap } from '../platform/result.ts';
import { bindWorker, locate, type OrchContext, orgWorkers } from './access.ts';
import { specOfVersion } from './spec-input.ts';

export async function getSwarm(ctx: OrchContext, id: string, waitMs = 20_000) {
  const { stack } = await locate(ctx, id);
  const details = (await stack.details())!;
  const v = (await stack.currentVersion())!;
  const swarm = resolve(specOfVersion(v), v.options).swarm;
  if (!swarm) throw new ApiError('NOT_FOUND', `stack ${id} has no swarm (its kit ${v.kit} runs none)`);
  const workers = await orgWorkers(ctx);
  const managers = [swarm.leader, ...swarm.managers.filter((m) => m !== swarm.leader)]
    .map((node) => ({ node, worker: bindWorker(node, details.bindings[node], workers) }))
    .filter((m) => typeof m.worker !== 'string' && m.worker.connectedAt !== null);
  if (managers.length === 0)
    throw new ApiError('SERVICE_UNAVAILABLE', `no manager of stack ${id} has a connected worker to ask`);
  const deadline = Date.now() + waitMs;
  const tried: string[] = [];
  for (const [i, m] of managers.entries()) {
    const worker = m.worker as Exclude<typeof m.worker, string>;
    const share = Math.max(1000, (deadline - Date.now()) / (managers.length - i));
    const queued = unwrap(
      await submitJob(
        { db: ctx.db, env: ctx.env },
        {
          orgId: ctx.principal.orgId,
          agentId: worker.id,
          type: 'swarm.status',
          params: { stack: id },
          what: 'swarm status',
        },
      ),
    );
    const view: JobView = isTerminal(queued.status)
      ? queued
      : ((await agentQueue(ctx.env, worker.id)
          .waitForJob(queued.id, share)
          .catch(() => null)) ?? queued);
    if (view.status === 'succeeded') {
      return { asked: m.node, leader_plan: swarm.leader, ...(view.result as Record<string, unknown>) };
    }
    tried.push(`${m.node}: ${view.status}${view.error ? ` (${view.error.message})` : ''}`);
    if (Date.now() >= deadline) break;
  }
  throw new ApiError(
    'SERVICE_UNAVAILABLE',
    `no manager answered with the swarm's state: ${tried.join('; ')}`,
  );
}
