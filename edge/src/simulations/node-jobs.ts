/**
 * The host agent's lifecycle jobs for simulated nodes, and how their outcomes reach the node rows.
 * A node row remembers its pending job; whoever looks at the node next (the request that queued
 * the job, waiting a bounded time, or any later read) applies the finished job's outcome once.
 */
import type { JsonObject } from '@bufbuild/protobuf';
import { isTerminal, parseJobParams } from '@kombify/proto/jobs';
import { agentQueue } from '../jobs/agent-queue.ts';
import { deleteJobIndex, insertJobIndex } from '../jobs/index-store.ts';
import type { JobView } from '../jobs/job-view.ts';
import { ApiError } from '../platform/errors.ts';
import { randomId } from '../platform/ids.ts';
import type { SimContext } from './context.ts';
import { removeNode, type SimNodeRow, setNodePending, settleNode } from './store.ts';

export type NodeAction = 'create' | 'start' | 'stop' | 'delete';

/** Names on the host's engine: one bridge network per simulation, one container per node. */
export function containerNames(node: Pick<SimNodeRow, 'simulationId' | 'name'>) {
  const sim = node.simulationId.slice(4, 16);
  return { network: `kombisim-${sim}`, container: `kombisim-${sim}-${node.name}` };
}

export function nodeRef(node: SimNodeRow) {
  return { simulation_id: node.simulationId, node_id: node.id, ...containerNames(node) };
}

/** Queues one job on the host agent (index row first, removed again if the queue refuses). */
export async function queueHostJob(
  ctx: SimContext,
  hostAgentId: string,
  type: string,
  rawParams: Record<string, unknown>,
): Promise<string> {
  const parsed = parseJobParams(type, rawParams);
  if (!parsed.ok) throw new Error(`bad ${type} params: ${JSON.stringify(parsed.issues)}`);
  const id = randomId('job');
  const orgId = ctx.principal.orgId;
  if (!(await insertJobIndex(ctx.db, { id, orgId, agentId: hostAgentId, type }))) {
    throw new ApiError('SERVICE_UNAVAILABLE', `the simulation's host worker ${hostAgentId} is gone`);
  }
  try {
    await agentQueue(ctx.env, hostAgentId).enqueue({
      id,
      orgId,
      agentId: hostAgentId,
      type,
      params: parsed.value as JsonObject,
    });
  } catch (cause) {
    await deleteJobIndex(ctx.db, id);
    throw new ApiError('SERVICE_UNAVAILABLE', 'the host worker queue did not accept the job; retry', {
      cause,
    });
  }
  return id;
}

const transitional: Record<NodeAction, string> = {
  create: 'creating',
  start: 'creating',
  stop: 'running',
  delete: 'deleting',
};

/** Queues a lifecycle job for a node and marks the node as busy with it. */
export async function queueNodeAction(
  ctx: SimContext,
  node: SimNodeRow,
  action: NodeAction,
  params: Record<string, unknown> = {},
): Promise<void> {
  const jobId = await queueHostJob(ctx, node.hostAgentId, `sim.node.${action}`, {
    ...nodeRef(node),
    ...params,
  });
  await setNodePending(ctx.db, node.id, { jobId, action, status: transitional[action] });
}

async function jobOf(ctx: SimContext, node: SimNodeRow): Promise<JobView | null> {
  return agentQueue(ctx.env, node.hostAgentId).getJob(node.pendingJobId!);
}

/** Applies a finished pending job to its node. Returns true when the node is settled. */
async function settle(ctx: SimContext, node: SimNodeRow): Promise<boolean> {
  if (!node.pendingJobId) return true;
  const job = await jobOf(ctx, node);
  if (job && !isTerminal(job.status)) return false;
  const jobId = node.pendingJobId;
  const action = node.pendingAction as NodeAction;
  if (job?.status !== 'succeeded') {
    const reason = job?.error ? `${job.error.message} (${job.error.code})` : 'the job was lost';
    await settleNode(ctx.db, node.id, jobId, { status: 'error', error: `${action} failed: ${reason}` });
    return true;
  }
  const result = (job.result ?? {}) as { ip?: string; state?: string };
  switch (action) {
    case 'delete':
      await removeNode(ctx.db, node.id, jobId);
      break;
    case 'stop':
      await settleNode(ctx.db, node.id, jobId, { status: 'stopped' });
      break;
    default:
      await settleNode(ctx.db, node.id, jobId, {
        status: result.state === 'running' ? 'running' : 'stopped',
        ip: result.ip || null,
      });
  }
  return true;
}

/** Settles whatever finished among the nodes; returns how many are still busy. */
export async function settleNodes(ctx: SimContext, nodes: SimNodeRow[]): Promise<number> {
  const busy = await Promise.all(nodes.filter((n) => n.pendingJobId).map((n) => settle(ctx, n)));
  return busy.filter((done) => !done).length;
}

/**
 * Waits (up to SIM_WAIT_SECONDS) until the host agent finished every pending job of these nodes,
 * settling each as it finishes. `reload` fetches the nodes' current rows.
 */
export async function waitForNodes(ctx: SimContext, reload: () => Promise<SimNodeRow[]>): Promise<void> {
  const deadline = Date.now() + ctx.config.SIM_WAIT_SECONDS * 1000;
  for (;;) {
    const busy = await settleNodes(ctx, await reload());
    if (busy === 0 || Date.now() >= deadline) return;
    // Each look is one query and one call per busy node's queue (Durable Object): cheap enough
    // to look often, and a node's readiness is what the caller waits for.
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs a one-off job (logs) on the host agent and waits for its result. */
export async function runHostJob(
  ctx: SimContext,
  hostAgentId: string,
  type: string,
  params: Record<string, unknown>,
  timeoutMs: number,
): Promise<JobView> {
  const id = await queueHostJob(ctx, hostAgentId, type, params);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await agentQueue(ctx.env, hostAgentId).getJob(id);
    if (job && isTerminal(job.status)) return job;
    if (Date.now() >= deadline) {
      throw new ApiError(
        'SERVICE_UNAVAILABLE',
        `the host worker did not answer within ${timeoutMs / 1000} s (job ${id})`,
      );
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}
