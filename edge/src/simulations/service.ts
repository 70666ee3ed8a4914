/**
 * KombiSim's one implementation: REST (routes.ts) and Connect (connect.ts) both call these
 * functions (the node operations are in node-service.ts, the input schemas in schemas.ts). The
 * edge records simulations and nodes and allocates SSH ports; the host worker (the agent on the
 * user's machine) runs the containers through sim.node.* jobs, whose outcomes its AgentObject
 * writes to the node rows (node-outcome.ts). Reads only read.
 */
import { effectivePlan, getSubscription, plans } from '../billing/index.ts';
import { ApiError } from '../platform/errors.ts';
import { randomId } from '../platform/ids.ts';
import { findSimulation, refuseBusy, requireWriter } from './access.ts';
import { addNodes } from './add-nodes.ts';
import type { SimContext } from './context.ts';
import { pickHost } from './host.ts';
import { type NodeAction, queueNodeAction, waitForJobs } from './node-jobs.ts';
import { finishDeleteIfEmpty } from './node-outcome.ts';
import type { ApplyTemplateInput, CreateSimulationInput } from './schemas.ts';
import {
  insertSimulation,
  isUniqueViolation,
  listNodesOfSimulation,
  listNodesOfSimulations,
  listSimulations,
  markSimulationDeleting,
  removeEmptySimulation,
  type SimNodeRow,
  type SimulationRow,
  simulationsThisMonth,
} from './store.ts';
import { findTemplate, resolveResources, templates } from './templates.ts';
import { simulationView, templateView } from './views.ts';

export * from './faults.ts';
export * from './node-service.ts';
export * from './schemas.ts';

const nodesOf = (ctx: SimContext, simulationId: string) =>
  listNodesOfSimulation(ctx.db, ctx.principal.orgId, simulationId);

/**
 * The simulation as its nodes' rows show it. One being deleted whose nodes are all gone is deleted
 * (its last node's outcome, or deleteSimulation, recorded that).
 */
async function simulationResult(ctx: SimContext, sim: SimulationRow) {
  const nodes = await nodesOf(ctx, sim.id);
  const deleted = sim.deletingAt !== null && nodes.length === 0;
  return simulationView(deleted ? { ...sim, deletedAt: sim.deletedAt ?? new Date() } : sim, nodes);
}

// ── simulations ──────────────────────────────────────────────────────────────────────────────────

export async function listSimulationsView(ctx: SimContext, page: { limit: number; offset: number }) {
  const { rows, total } = await listSimulations(ctx.db, ctx.principal.orgId, page);
  const nodes = await listNodesOfSimulations(
    ctx.db,
    ctx.principal.orgId,
    rows.map((r) => r.id),
  );
  return {
    data: rows.map((sim) =>
      simulationView(
        sim,
        nodes.filter((n) => n.simulationId === sim.id),
      ),
    ),
    total,
  };
}

export async function getSimulationView(ctx: SimContext, id: string) {
  return simulationResult(ctx, await findSimulation(ctx, id));
}

export async function createSimulation(
  ctx: SimContext,
  input: CreateSimulationInput,
  template: string | null = null,
) {
  requireWriter(ctx);
  const hostAgentId = await pickHost(ctx, input.worker_id);
  const plan = effectivePlan(await getSubscription(ctx.db, ctx.principal.orgId));
  const limit = plans[plan].simulationsPerMonth;
  let sim: SimulationRow | null;
  try {
    sim = await insertSimulation(
      ctx.db,
      {
        id: randomId('sim'),
        orgId: ctx.principal.orgId,
        name: input.name,
        template,
        hostAgentId,
        deployTarget: input.deploy_target,
      },
      limit,
    );
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ApiError('CONFLICT', `a simulation named ${input.name} already exists`);
    throw error;
  }
  if (!sim) {
    const used = await simulationsThisMonth(ctx.db, ctx.principal.orgId);
    throw new ApiError(
      'RESOURCE_LIMIT',
      `simulation limit reached: the ${plan} plan allows ${limit} simulations a month and this org created ${used}; upgrade the plan or wait for next month`,
    );
  }
  const added = await addNodes(ctx, sim, input.nodes, input.auto_start, input.ssh_public_keys).catch(
    async (error) => {
      await removeEmptySimulation(ctx.db, sim.id);
      throw error;
    },
  );
  await waitForJobs(ctx, added.jobs);
  return simulationResult(ctx, sim);
}

export async function applyTemplate(ctx: SimContext, name: string, input: ApplyTemplateInput) {
  const template = findTemplate(name);
  if (!template)
    throw new ApiError(
      'TEMPLATE_NOT_FOUND',
      `template ${name} not found; known: ${templates.map((t) => t.name).join(', ')}`,
    );
  const view = await createSimulation(
    ctx,
    {
      name: input.simulation_name,
      worker_id: input.worker_id,
      auto_start: input.auto_start,
      ssh_public_keys: input.ssh_public_keys,
      deploy_target: input.deploy_target ?? template.deployTarget,
      nodes: template.nodes.map((n) => ({
        name: n.name,
        type: n.type,
        resources: {
          ...(n.resources?.cpu ? { cpu: n.resources.cpu } : {}),
          ...(n.resources?.memoryMb ? { memory: `${n.resources.memoryMb}Mi` } : {}),
          ...(n.resources?.diskGb ? { disk: `${n.resources.diskGb}Gi` } : {}),
        },
        ...(n.network
          ? { network: { latency_ms: n.network.latencyMs, loss_percent: n.network.lossPercent } }
          : {}),
      })),
    },
    template.name,
  );
  return view;
}

/** Runs an action on the given nodes of a simulation, waits for them, returns the simulation. */
async function act(ctx: SimContext, sim: SimulationRow, nodes: SimNodeRow[], action: NodeAction) {
  await waitForJobs(ctx, await Promise.all(nodes.map((node) => queueNodeAction(ctx, node, action))));
  return simulationResult(ctx, sim);
}

export async function startSimulation(ctx: SimContext, id: string) {
  requireWriter(ctx);
  const sim = await findSimulation(ctx, id);
  const nodes = await nodesOf(ctx, sim.id);
  refuseBusy(nodes);
  const toStart = nodes.filter((n) => n.status !== 'running');
  if (nodes.length > 0 && toStart.length === 0) {
    throw new ApiError('ALREADY_RUNNING', `simulation ${sim.name} is already running`);
  }
  return act(ctx, sim, toStart, 'start');
}

export async function stopSimulation(ctx: SimContext, id: string) {
  requireWriter(ctx);
  const sim = await findSimulation(ctx, id);
  const nodes = await nodesOf(ctx, sim.id);
  refuseBusy(nodes);
  return act(
    ctx,
    sim,
    nodes.filter((n) => n.status === 'running' || n.status === 'error'),
    'stop',
  );
}

export async function deleteSimulation(ctx: SimContext, id: string) {
  requireWriter(ctx);
  const sim = await findSimulation(ctx, id);
  const nodes = await nodesOf(ctx, sim.id);
  // A node busy being created or started would race its own delete on the host: wait for it.
  refuseBusy(nodes.filter((n) => n.pendingAction !== 'delete'));
  await markSimulationDeleting(ctx.db, sim.id);
  // A delete that was interrupted (host slow) is not queued twice.
  const toDelete = nodes.filter((n) => n.pendingAction !== 'delete');
  await waitForJobs(ctx, await Promise.all(toDelete.map((node) => queueNodeAction(ctx, node, 'delete'))));
  // Nodes' outcomes finish the delete when the last one goes; one without nodes is finished here.
  if ((await nodesOf(ctx, sim.id)).length === 0) {
    await finishDeleteIfEmpty(ctx.db, ctx.principal.orgId, sim.id);
  }
  return simulationResult(ctx, { ...sim, deletingAt: sim.deletingAt ?? new Date() });
}

// ── templates ────────────────────────────────────────────────────────────────────────────────────

export function listTemplatesView() {
  return templates.map(templateView);
}

export function getTemplateView(name: string) {
  const template = findTemplate(name);
  if (!template) throw new ApiError('TEMPLATE_NOT_FOUND', `template ${name} not found`);
  return {
    ...templateView(template),
    nodes: template.nodes.map((n, i) => {
      const r = resolveResources(n.type, n.resources);
      return {
        name: n.name,
        type: n.type,
        order: i + 1,
        resources: { cpu: r.cpu, memory: `${r.memoryMb}Mi`, disk: `${r.diskGb}Gi` },
        network: { latency_ms: n.network?.latencyMs ?? 0, loss_percent: n.network?.lossPercent ?? 0 },
      };
    }),
  };
}
