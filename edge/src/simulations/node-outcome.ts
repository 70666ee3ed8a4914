/**
 * How a simulated node's lifecycle job's outcome reaches the node's row. The host worker's
 * AgentObject calls this when the job ends (the job was submitted with a `simulation` notice);
 * nothing else applies outcomes. Idempotent: every write is conditioned on the job still being
 * the node's pending one, so a notice delivered twice changes nothing the second time.
 */
import type { Db } from '../platform/db/client.ts';
import { finishSimulationDelete, removeNode, removeSimulatedWorkers, settleNode } from './store.ts';

export interface NodeJobTarget {
  orgId: string;
  simulationId: string;
  nodeId: string;
  action: string;
}

/** How the job ended (the jobs domain's `JobEnd`, as far as a node needs it). */
export type NodeJobEnd =
  | { status: 'succeeded'; result: Record<string, unknown> | null }
  | { status: 'failed' | 'cancelled'; error: { code: string; message: string } | null };

export async function applyNodeOutcome(
  db: Db,
  target: NodeJobTarget,
  jobId: string,
  end: NodeJobEnd,
): Promise<void> {
  const { nodeId, action } = target;
  if (end.status !== 'succeeded') {
    const reason = end.error ? `${end.error.message} (${end.error.code})` : `the job was ${end.status}`;
    await settleNode(db, nodeId, jobId, { status: 'error', error: `${action} failed: ${reason}` });
    return;
  }
  const result = (end.result ?? {}) as { ip?: string; state?: string };
  switch (action) {
    case 'delete':
      await removeNode(db, nodeId, jobId);
      await finishDeleteIfEmpty(db, target.orgId, target.simulationId);
      break;
    case 'stop':
      await settleNode(db, nodeId, jobId, { status: 'stopped' });
      break;
    default:
      await settleNode(db, nodeId, jobId, {
        status: result.state === 'running' ? 'running' : 'stopped',
        ip: result.ip || null,
      });
  }
}

/**
 * A simulation being deleted is deleted once its last node is gone, and the agents of its nodes
 * (simulated workers) go with the nodes. Returns true if this call finished it.
 */
export async function finishDeleteIfEmpty(db: Db, orgId: string, simulationId: string): Promise<boolean> {
  if (!(await finishSimulationDelete(db, simulationId))) return false;
  await removeSimulatedWorkers(db, orgId, simulationId);
  return true;
}
