/**
 * `GET /stacks/{id}/bindings/proposal?simulation=` (issue 22, "templates that fit"): which node
 * of a simulation each node of the spec would run on, so a template such as `ha-setup` takes an
 * ha-homelab spec in a few clicks. Nothing is saved: the answer is `bindings` ready for
 * `PUT /stacks/{id}/bindings`, with the reason for each pick and the worker it resolves to.
 *
 * The rule, simple enough to predict: the spec's nodes by role (main, then worker, then edge,
 * each in spec order) take the simulation's nodes in template order, a cloud provider's node a
 * `vps` node and any other a `local` one; only when none of its kind is left does it take one of
 * the other kind, and says so.
 */
import type * as api from '@kombify/proto/api';
import { cloudProviders } from '@kombify/stackkits';
import { z } from 'zod';
import { ApiError } from '../platform/errors.ts';
import { getSimulation, listNodesOfSimulation } from '../simulations/index.ts';
import { locate, type OrchContext, orgWorkers } from './access.ts';
import { specOfVersion } from './spec-input.ts';

export const proposalQuery = z.object({ simulation: z.string().min(1).max(64) }).strict();

interface SpecNode {
  name: string;
  type: string;
  provider: string;
}
interface SimNode {
  name: string;
  type: string;
  position: number;
}

const roleRank: Record<string, number> = { main: 0, worker: 1, edge: 2 };
const ordinal = (n: number) => `${n}${n === 1 ? 'st' : n === 2 ? 'nd' : n === 3 ? 'rd' : 'th'}`;

/** The pure rule (see the file's comment): spec nodes → simulation nodes. */
export function proposeBindings(specNodes: readonly SpecNode[], simNodes: readonly SimNode[]) {
  const free = [...simNodes].sort((a, b) => a.position - b.position);
  const order = specNodes
    .map((n, i) => ({ n, i }))
    .sort((a, b) => (roleRank[a.n.type] ?? 3) - (roleRank[b.n.type] ?? 3) || a.i - b.i)
    .map((x) => x.n);
  const taken = { main: 0, worker: 0, edge: 0 } as Record<string, number>;
  const picks: { node: string; type: string; sim: SimNode; reason: string }[] = [];
  const unmatched: { node: string; reason: string }[] = [];
  for (const n of order) {
    const want = cloudProviders.has(n.provider as never) ? 'vps' : 'local';
    const same = free.findIndex((s) => s.type === want);
    const index = same >= 0 ? same : free.length > 0 ? 0 : -1;
    if (index < 0) {
      unmatched.push({
        node: n.name,
        reason: `the simulation has no node left for it (${simNodes.length} nodes)`,
      });
      continue;
    }
    const [sim] = free.splice(index, 1) as [SimNode];
    taken[n.type] = (taken[n.type] ?? 0) + 1;
    const reason =
      same >= 0
        ? `${ordinal(taken[n.type]!)} ${n.type} node (${n.provider}) → the first free ${want} node`
        : `no ${want} node left: takes the ${sim.type} node ${sim.name}`;
    picks.push({ node: n.name, type: n.type, sim, reason });
  }
  return { picks, unmatched };
}

export async function getBindingProposal(
  ctx: OrchContext,
  id: string,
  simulationId: string,
): Promise<api.BindingProposal> {
  const { stack } = await locate(ctx, id);
  const sim = await getSimulation(ctx.db, ctx.principal.orgId, simulationId);
  if (!sim) throw new ApiError('NOT_FOUND', `no simulation ${simulationId} in this org`);
  const v = (await stack.currentVersion())!;
  const spec = specOfVersion(v);
  const simNodes = await listNodesOfSimulation(ctx.db, ctx.principal.orgId, sim.id);
  const workers = (await orgWorkers(ctx)).filter((w) => w.simulationId === sim.id);
  const { picks, unmatched } = proposeBindings(spec.nodes, simNodes);
  return {
    simulation: sim.id,
    bindings: Object.fromEntries(picks.map((p) => [p.node, { simulation: sim.id, node: p.sim.name }])),
    nodes: picks.map((p) => ({
      node: p.node,
      type: p.type,
      sim_node: p.sim.name,
      sim_node_type: p.sim.type,
      worker_id: workers.find((w) => w.facts.hostname === p.sim.name)?.id ?? null,
      reason: p.reason,
    })),
    unmatched,
  };
}
