/** Who may change simulations, and the lookups every operation starts with. */
import { atLeast } from '@kombify/proto/roles';
import { ApiError } from '../platform/errors.ts';
import type { SimContext } from './context.ts';
import { getNode, getSimulation, type SimNodeRow, type SimulationRow } from './store.ts';

export function requireWriter(ctx: SimContext): void {
  if (!atLeast(ctx.principal.role, 'member')) {
    throw new ApiError('AUTH_INSUFFICIENT', `your role (${ctx.principal.role}) may only read simulations`);
  }
}

// ── lookups (another org's simulation is simply not found) ───────────────────────────────────────

export async function findSimulation(ctx: SimContext, id: string): Promise<SimulationRow> {
  const sim = /^sim_[a-z2-7]{1,40}$/.test(id) ? await getSimulation(ctx.db, ctx.principal.orgId, id) : null;
  if (!sim) throw new ApiError('SIMULATION_NOT_FOUND', `simulation ${id} not found`);
  return sim;
}

export async function findNode(ctx: SimContext, id: string): Promise<SimNodeRow> {
  const node = /^node_[a-z2-7]{1,40}$/.test(id) ? await getNode(ctx.db, ctx.principal.orgId, id) : null;
  if (!node) throw new ApiError('NODE_NOT_FOUND', `node ${id} not found`);
  return node;
}

/** A node busy with a job would race a second one on the host: the caller tries again later. */
export function refuseBusy(nodes: SimNodeRow[]): void {
  const busy = nodes.find((n) => n.pendingJobId);
  if (busy) {
    throw new ApiError(
      'CONFLICT',
      `node ${busy.name} is busy (${busy.pendingAction}); try again when it is done`,
    );
  }
}
