/**
 * The host agent's jobs for simulated nodes. A lifecycle job is submitted with a `simulation`
 * notice: when it ends, the host worker's AgentObject applies its outcome to the node's row
 * (node-outcome.ts). A request that wants the result waits on the AgentObject for the job to end
 * (`waitForJob`), for a bounded time, and then reads the row.
 */
import { isTerminal } from '@kombify/proto/jobs';
import { agentQueue, type JobView, submitJob } from '../jobs/index.ts';
import { ApiError } from '../platform/errors.ts';
import { randomId } from '../platform/ids.ts';
import type { SimContext } from './context.ts';
import { restoreNode, type SimNodeRow, setNodePending } from './store.ts';

export type NodeAction = 'create' | 'start' | 'stop' | 'delete';

/** Names on the host's engine: one bridge network per simulation, one container per node. */
export function containerNames(node: Pick<SimNodeRow, 'simulationId' | 'name'>) {
  const sim = node.simulationId.slice(4, 16);
  return { network: `kombisim-${sim}`, container: `kombisim-${sim}-${node.name}` };
}

export function nodeRef(node: SimNodeRow) {
  return { simulation_id: node.simulationId, node_id: node.id, ...containerNames(node) };
}

/** A job on a host agent that a request may wait for. */
export interface HostJob {
  hostAgentId: string;
  jobId: string;
}

/** Submits one job to the host agent, with the simulations' own refusals. */
async function submitHostJob(
  ctx: SimContext,
  hostAgentId: string,
  type: string,
  params: Record<string, unknown>,
  extra: Pick<Parameters<typeof submitJob>[1], 'id' | 'notify'> = {},
): Promise<JobView> {
  const submitted = await submitJob(ctx, {
    orgId: ctx.principal.orgId,
    agentId: hostAgentId,
    type,
    params,
    ...extra,
  });
  if (submitted.ok) return submitted.value;
  switch (submitted.refusal.code) {
    // The edge built these params itself: a mismatch is a bug, not the caller's mistake.
    case 'VALIDATION_FAILED':
      throw new Error(`bad ${type} params: ${JSON.stringify(submitted.refusal.details)}`);
    case 'NOT_FOUND':
      throw new ApiError('SERVICE_UNAVAILABLE', `the simulation's host worker ${hostAgentId} is gone`);
    case 'SERVICE_UNAVAILABLE':
      throw new ApiError('SERVICE_UNAVAILABLE', 'the host worker queue did not accept the job; retry');
  }
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
): Promise<HostJob> {
  const jobId = randomId('job');
  // The row names its pending job before the job exists, so the job's outcome — however soon
  // it comes — finds the row waiting for it.
  await setNodePending(ctx.db, node.id, { jobId, action, status: transitional[action] });
  try {
    await submitHostJob(
      ctx,
      node.hostAgentId,
      `sim.node.${action}`,
      { ...nodeRef(node), ...params },
      {
        id: jobId,
        notify: {
          kind: 'simulation',
          orgId: ctx.principal.orgId,
          simulationId: node.simulationId,
          nodeId: node.id,
          action,
        },
      },
    );
  } catch (error) {
    await restoreNode(ctx.db, node, jobId);
    throw error;
  }
  return { hostAgentId: node.hostAgentId, jobId };
}

/**
 * Waits (up to SIM_WAIT_SECONDS) until the host agent finished these jobs and their outcomes are
 * on the node rows. A job still running then stays pending on its node; it settles by itself.
 */
export async function waitForJobs(ctx: SimContext, jobs: HostJob[]): Promise<void> {
  const timeoutMs = ctx.config.SIM_WAIT_SECONDS * 1000;
  await Promise.all(
    jobs.map((j) =>
      agentQueue(ctx.env, j.hostAgentId)
        .waitForJob(j.jobId, timeoutMs)
        // A wait cut short (the host's object restarted) only means the caller sees the node busy.
        .catch(() => null),
    ),
  );
}

/** Runs a one-off job (logs) on the host agent and waits for its result. */
export async function runHostJob(
  ctx: SimContext,
  hostAgentId: string,
  type: string,
  params: Record<string, unknown>,
  timeoutMs: number,
): Promise<JobView> {
  const queued = await submitHostJob(ctx, hostAgentId, type, params);
  const job = await agentQueue(ctx.env, hostAgentId).waitForJob(queued.id, timeoutMs);
  if (job && isTerminal(job.status)) return job;
  throw new ApiError(
    'SERVICE_UNAVAILABLE',
    `the host worker did not answer within ${timeoutMs / 1000} s (job ${queued.id})`,
  );
}
