import { effectivePlan, plans } from '../billing/plans.ts';
import { getSubscription } from '../billing/store.ts';
import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/db/client.ts';
import type { Env, Principal } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { type AgentRow, listAgents } from '../workers/store.ts';
import { type StackHandle, stackHandle } from './object/stack-handle.ts';
import type { Binding } from './object/stack-object.ts';
import * as index from './store.ts';

export interface OrchContext {
  env: Env;
  db: Db;
  principal: Principal;
  config: Config;
  /** This edge's origin (OpenTofu state backend addresses). */
  baseUrl: string;
}

export const actor = (p: Principal) => `${p.kind}:${p.id}`;

export async function locate(
  ctx: OrchContext,
  id: string,
): Promise<{ row: index.StackRow; stack: StackHandle }> {
  const row = /^stk_[a-z2-7]+$/.test(id) ? await index.getStack(ctx.db, ctx.principal.orgId, id) : null;
  if (!row) throw new ApiError('NOT_FOUND', `stack ${id} not found`);
  return { row, stack: stackHandle(ctx.env, id) };
}

/** NOT_FOUND unless the caller's org has this stack. */
export async function assertStack(ctx: OrchContext, id: string): Promise<void> {
  await locate(ctx, id);
}

export async function planLimits(ctx: OrchContext) {
  const plan = effectivePlan(await getSubscription(ctx.db, ctx.principal.orgId));
  return { plan, limits: plans[plan] };
}

export async function orgWorkers(ctx: OrchContext): Promise<AgentRow[]> {
  return (await listAgents(ctx.db, ctx.principal.orgId, { limit: 1000, offset: 0 })).rows;
}

/** The worker a binding picks (default: the worker named like the node), or why none. */
export function bindWorker(
  node: string,
  binding: Binding | undefined,
  workers: AgentRow[],
): AgentRow | string {
  if (binding && 'worker_id' in binding)
    return workers.find((w) => w.id === binding.worker_id) ?? `worker ${binding.worker_id} is not enrolled`;
  if (binding && 'simulation' in binding) {
    // The agent inside a KombiSim node is named after its simulation and node; its hostname is
    // the node's name (sim.node.create), and only the org's own workers are candidates.
    const w = workers.find((x) => x.simulationId === binding.simulation && x.facts.hostname === binding.node);
    return (
      w ??
      `node ${binding.node} of simulation ${binding.simulation} has no enrolled worker (is the simulation a deploy target and running?)`
    );
  }
  if (binding && 'labels' in binding) {
    const match = workers.filter((w) =>
      Object.entries(binding.labels).every(([k, v]) => String(w.facts[k] ?? '') === v),
    );
    if (match.length === 1) return match[0]!;
    return match.length === 0
      ? 'no worker matches the labels'
      : `${match.length} workers match the labels; bind one explicitly`;
  }
  const name = binding && 'worker_name' in binding ? binding.worker_name : node;
  const named = workers.filter((w) => w.name === name);
  if (named.length === 1) return named[0]!;
  return named.length === 0
    ? `no worker named ${name}`
    : `${named.length} workers are named ${name}; bind one explicitly`;
}
