/**
 * KombiSim's one implementation: REST (routes.ts) and Connect (connect.ts) both
 * call these functions. The edge records simulations and nodes and allocates SSH ports; the host
 * worker (the agent on the user's machine) runs the containers through sim.node.* jobs.
 */
import { atLeast } from '@kombify/proto/roles';
import { z } from 'zod';
import { effectivePlan, plans } from '../billing/plans.ts';
import { getSubscription } from '../billing/store.ts';
import { offlineAfterMs } from '../platform/config.ts';
import { ApiError } from '../platform/errors.ts';
import { randomId, randomSecret, sha256Hex } from '../platform/ids.ts';
import { createEnrollmentToken } from '../workers/store.ts';
import type { SimContext } from './context.ts';
import {
  type NodeAction,
  nodeRef,
  queueNodeAction,
  runHostJob,
  settleNodes,
  waitForNodes,
} from './node-jobs.ts';
import {
  finishSimulationDelete,
  getNode,
  getSimulation,
  hostCandidates,
  insertNodesWithPorts,
  insertSimulation,
  isUniqueViolation,
  listNodes,
  listNodesOfSimulation,
  listNodesOfSimulations,
  listSimulations,
  markSimulationDeleting,
  type NewSimNode,
  nodeNameTaken,
  removeEmptySimulation,
  removeSimulatedWorkers,
  type SimNodeRow,
  type SimulationRow,
  simulationsThisMonth,
} from './store.ts';
import { findTemplate, resolveResources, type SimNodeType, simNodeTypes, templates } from './templates.ts';
import { nodeView, simulationView, templateView } from './views.ts';

const dnsLabel = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,61}[a-z0-9]$|^[a-z]$/, 'must be a DNS label: lower-case letters, digits and "-"');
const publicKey = z
  .string()
  .max(16_384)
  .regex(
    /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-[a-z0-9@.-]+) [A-Za-z0-9+/=]+( .*)?$/,
    'must be an OpenSSH public key line',
  );
const memory = z.string().regex(/^\d+(Mi|Gi)$/, 'must be a size like 512Mi or 2Gi');
const disk = z.string().regex(/^\d+(Gi|Ti)$/, 'must be a size like 20Gi or 1Ti');

export const nodeSpecSchema = z
  .object({
    name: dnsLabel,
    type: z.enum(simNodeTypes).default('local'),
    resources: z
      .object({
        cpu: z.number().min(0.1).max(64).optional(),
        memory: memory.optional(),
        disk: disk.optional(),
      })
      .strict()
      .optional(),
    network: z
      .object({
        latency_ms: z.number().int().min(0).max(10_000).optional(),
        loss_percent: z.number().min(0).max(100).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const common = {
  worker_id: z.string().min(1).optional(),
  auto_start: z.boolean().default(true),
  ssh_public_keys: z.array(publicKey).max(32).default([]),
  /** Nodes run the kombify agent, enrolled as simulated workers (a deploy target). */
  deploy_target: z.boolean().default(false),
};

export const createSimulationSchema = z
  .object({ name: dnsLabel, nodes: z.array(nodeSpecSchema).max(100).default([]), ...common })
  .strict()
  .superRefine((body, ctx) => {
    const seen = new Map<string, number>();
    body.nodes.forEach((n, i) => {
      if (seen.has(n.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['nodes', i, 'name'],
          message: `duplicate node name (first used at nodes[${seen.get(n.name)}])`,
        });
      } else seen.set(n.name, i);
    });
  });

export const applyTemplateSchema = z.object({ simulation_name: dnsLabel, ...common }).strict();

export const createNodeSchema = nodeSpecSchema
  .extend({
    simulation_id: z.string().min(1),
    auto_start: z.boolean().default(true),
    ssh_public_keys: common.ssh_public_keys,
  })
  .strict();

export type CreateSimulationInput = z.output<typeof createSimulationSchema>;
export type ApplyTemplateInput = z.output<typeof applyTemplateSchema>;
export type CreateNodeInput = z.output<typeof createNodeSchema>;
type NodeSpec = z.output<typeof nodeSpecSchema>;

function requireWriter(ctx: SimContext): void {
  if (!atLeast(ctx.principal.role, 'member')) {
    throw new ApiError('AUTH_INSUFFICIENT', `your role (${ctx.principal.role}) may only read simulations`);
  }
}

const toMb = (size: string) => Number.parseInt(size, 10) * (size.endsWith('Gi') ? 1024 : 1);
const toGb = (size: string) => Number.parseInt(size, 10) * (size.endsWith('Ti') ? 1024 : 1);

function newNode(spec: NodeSpec, position: number, status: string): NewSimNode {
  const type = spec.type as SimNodeType;
  const base = resolveResources(type);
  return {
    id: randomId('node'),
    name: spec.name,
    type,
    os: 'debian-12',
    status,
    position,
    cpu: spec.resources?.cpu ?? base.cpu,
    memoryMb: spec.resources?.memory ? toMb(spec.resources.memory) : base.memoryMb,
    diskGb: spec.resources?.disk ? toGb(spec.resources.disk) : base.diskGb,
    latencyMs: spec.network?.latency_ms ?? null,
    lossPercent: spec.network?.loss_percent ?? null,
  };
}

// ── lookups (another org's simulation is simply not found) ───────────────────────────────────────

async function findSimulation(ctx: SimContext, id: string): Promise<SimulationRow> {
  const sim = /^sim_[a-z2-7]{1,40}$/.test(id) ? await getSimulation(ctx.db, ctx.principal.orgId, id) : null;
  if (!sim) throw new ApiError('SIMULATION_NOT_FOUND', `simulation ${id} not found`);
  return sim;
}

async function findNode(ctx: SimContext, id: string): Promise<SimNodeRow> {
  const node = /^node_[a-z2-7]{1,40}$/.test(id) ? await getNode(ctx.db, ctx.principal.orgId, id) : null;
  if (!node) throw new ApiError('NODE_NOT_FOUND', `node ${id} not found`);
  return node;
}

/** The nodes of a simulation with finished jobs applied. */
async function freshNodes(ctx: SimContext, simulationId: string): Promise<SimNodeRow[]> {
  const nodes = await listNodesOfSimulation(ctx.db, ctx.principal.orgId, simulationId);
  if (nodes.some((n) => n.pendingJobId)) {
    await settleNodes(ctx, nodes);
    return listNodesOfSimulation(ctx.db, ctx.principal.orgId, simulationId);
  }
  return nodes;
}

async function simulationResult(ctx: SimContext, sim: SimulationRow) {
  const nodes = await freshNodes(ctx, sim.id);
  if (sim.deletingAt && nodes.length === 0 && (await finishSimulationDelete(ctx.db, sim.id))) {
    // Its nodes' agents went with the nodes.
    await removeSimulatedWorkers(ctx.db, ctx.principal.orgId, sim.id);
    return simulationView({ ...sim, deletedAt: new Date() }, nodes);
  }
  return simulationView(sim, nodes);
}

// ── the host worker ──────────────────────────────────────────────────────────────────────────────

/** An explicit worker of the org, or the org's only online (non-simulated) worker. */
async function pickHost(ctx: SimContext, workerId: string | undefined): Promise<string> {
  const candidates = await hostCandidates(ctx.db, ctx.principal.orgId);
  const offlineAfter = offlineAfterMs(ctx.config);
  const now = Date.now();
  const online = candidates.filter(
    (a) => a.connectedAt !== null && now - (a.lastSeenAt?.getTime() ?? 0) < offlineAfter,
  );
  if (workerId) {
    const chosen = candidates.find((a) => a.id === workerId);
    if (!chosen) {
      throw new ApiError('VALIDATION_FAILED', `worker ${workerId} not found`, {
        details: [{ path: 'worker_id', code: 'invalid_reference', message: 'no such worker in your org' }],
      });
    }
    if (!online.includes(chosen)) {
      throw new ApiError('SERVICE_UNAVAILABLE', `worker ${workerId} is offline; start its agent and retry`);
    }
    return chosen.id;
  }
  if (online.length === 1) return online[0]!.id;
  if (online.length === 0) {
    throw new ApiError(
      'SERVICE_UNAVAILABLE',
      'no online worker to run the simulation on: start the kombify agent on your machine (npm start does), then retry',
    );
  }
  throw new ApiError('VALIDATION_FAILED', 'several workers are online: say which one runs the simulation', {
    details: [
      { path: 'worker_id', code: 'required', message: `one of ${online.map((a) => a.id).join(', ')}` },
    ],
  });
}

// ── simulations ──────────────────────────────────────────────────────────────────────────────────

export async function listSimulationsView(ctx: SimContext, page: { limit: number; offset: number }) {
  const { rows, total } = await listSimulations(ctx.db, ctx.principal.orgId, page);
  const nodes = await listNodesOfSimulations(
    ctx.db,
    ctx.principal.orgId,
    rows.map((r) => r.id),
  );
  await settleNodes(ctx, nodes);
  const settled = await listNodesOfSimulations(
    ctx.db,
    ctx.principal.orgId,
    rows.map((r) => r.id),
  );
  return {
    data: rows.map((sim) =>
      simulationView(
        sim,
        settled.filter((n) => n.simulationId === sim.id),
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
  const nodes = await addNodes(ctx, sim, input.nodes, input.auto_start, input.ssh_public_keys).catch(
    async (error) => {
      await removeEmptySimulation(ctx.db, sim.id);
      throw error;
    },
  );
  if (nodes.length > 0)
    await waitForNodes(ctx, () => listNodesOfSimulation(ctx.db, ctx.principal.orgId, sim.id));
  return simulationResult(ctx, sim);
}

/** Allocates ports for the nodes (all or none) and queues their creation on the host worker. */
async function addNodes(
  ctx: SimContext,
  sim: SimulationRow,
  specs: NodeSpec[],
  autoStart: boolean,
  keys: string[],
): Promise<SimNodeRow[]> {
  if (specs.length === 0) return [];
  const existing = await listNodesOfSimulation(ctx.db, ctx.principal.orgId, sim.id);
  const first = existing.reduce((max, n) => Math.max(max, n.position), 0) + 1;
  const rows = await insertNodesWithPorts(ctx.db, {
    orgId: ctx.principal.orgId,
    simulationId: sim.id,
    hostAgentId: sim.hostAgentId,
    portFirst: ctx.config.SIM_SSH_PORT_FIRST,
    portCount: ctx.config.SIM_SSH_PORTS,
    nodes: specs.map((spec, i) => newNode(spec, first + i, 'creating')),
  }).catch((error) => {
    if (isUniqueViolation(error))
      throw new ApiError('CONFLICT', 'a node with that name already exists in the simulation');
    throw error;
  });
  if (!rows) {
    const last = ctx.config.SIM_SSH_PORT_FIRST + ctx.config.SIM_SSH_PORTS - 1;
    throw new ApiError(
      'RESOURCE_LIMIT',
      `no free SSH port for ${specs.length} more node(s) on this worker: ports ${ctx.config.SIM_SSH_PORT_FIRST}-${last} are in use (at most ${ctx.config.SIM_SSH_PORTS} nodes a host); delete a simulation first`,
    );
  }
  // Queued together: the host agent runs them in parallel.
  await Promise.all(
    rows.map(async (node) =>
      queueNodeAction(ctx, node, 'create', {
        image: ctx.config.SIM_NODE_IMAGE,
        hostname: node.name,
        ssh_port: node.sshPort,
        ssh_bind: ctx.config.SIM_SSH_BIND,
        cpu: node.cpu,
        memory_mb: node.memoryMb,
        ...(node.latencyMs !== null ? { latency_ms: node.latencyMs } : {}),
        ...(node.lossPercent !== null ? { loss_percent: node.lossPercent } : {}),
        password: ctx.config.SIM_SSH_PASSWORD,
        authorized_keys: keys,
        start: autoStart,
        ...(sim.deployTarget ? { agent: await nodeAgent(ctx, sim, node) } : {}),
      }),
    ),
  );
  return rows;
}

/**
 * What the node's own agent needs to enroll as a simulated worker: the edge URL and a one-time
 * enrollment token bound to the simulation (stored hashed, like every enrollment token).
 */
async function nodeAgent(ctx: SimContext, sim: SimulationRow, node: SimNodeRow) {
  const token = randomSecret('kfe');
  await createEnrollmentToken(ctx.db, {
    id: randomId('enr'),
    orgId: ctx.principal.orgId,
    hash: await sha256Hex(token),
    description: `KombiSim node ${sim.name}/${node.name}`,
    expiresAt: new Date(Date.now() + ctx.config.ENROLLMENT_TOKEN_TTL_SECONDS * 1000),
    simulationId: sim.id,
  });
  return {
    edge_url: ctx.config.SIM_EDGE_URL ?? ctx.config.PUBLIC_EDGE_URL ?? ctx.origin,
    enrollment_token: token,
    worker_name: `${sim.name}-${node.name}`.slice(0, 63),
  };
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
      deploy_target: input.deploy_target,
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
  await Promise.all(nodes.map((node) => queueNodeAction(ctx, node, action)));
  if (nodes.length > 0)
    await waitForNodes(ctx, () => listNodesOfSimulation(ctx.db, ctx.principal.orgId, sim.id));
  return simulationResult(ctx, sim);
}

function refuseBusy(nodes: SimNodeRow[]): void {
  const busy = nodes.find((n) => n.pendingJobId);
  if (busy) {
    throw new ApiError(
      'CONFLICT',
      `node ${busy.name} is busy (${busy.pendingAction}); try again when it is done`,
    );
  }
}

export async function startSimulation(ctx: SimContext, id: string) {
  requireWriter(ctx);
  const sim = await findSimulation(ctx, id);
  const nodes = await freshNodes(ctx, sim.id);
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
  const nodes = await freshNodes(ctx, sim.id);
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
  const nodes = await freshNodes(ctx, sim.id);
  // A node busy being created or started would race its own delete on the host: wait for it.
  refuseBusy(nodes.filter((n) => n.pendingAction !== 'delete'));
  await markSimulationDeleting(ctx.db, sim.id);
  // A delete that was interrupted (host slow) is not queued twice.
  return act(
    ctx,
    { ...sim, deletingAt: sim.deletingAt ?? new Date() },
    nodes.filter((n) => n.pendingAction !== 'delete'),
    'delete',
  );
}

// ── nodes ────────────────────────────────────────────────────────────────────────────────────────

export async function listSimulationNodesView(ctx: SimContext, id: string) {
  const sim = await findSimulation(ctx, id);
  return (await freshNodes(ctx, sim.id)).map(nodeView);
}

export async function listNodesView(ctx: SimContext, page: { limit: number; offset: number }) {
  const first = await listNodes(ctx.db, ctx.principal.orgId, page);
  if (first.rows.some((n) => n.pendingJobId)) await settleNodes(ctx, first.rows);
  const { rows, total } = await listNodes(ctx.db, ctx.principal.orgId, page);
  return { data: rows.map(nodeView), total };
}

async function freshNode(ctx: SimContext, id: string): Promise<SimNodeRow> {
  const node = await findNode(ctx, id);
  if (!node.pendingJobId) return node;
  await settleNodes(ctx, [node]);
  const after = await getNode(ctx.db, ctx.principal.orgId, id);
  if (!after) throw new ApiError('NODE_NOT_FOUND', `node ${id} not found`);
  return after;
}

export async function getNodeView(ctx: SimContext, id: string) {
  return nodeView(await freshNode(ctx, id));
}

async function nodeAction(ctx: SimContext, id: string, action: NodeAction) {
  requireWriter(ctx);
  const node = await freshNode(ctx, id);
  if (action !== 'delete') refuseBusy([node]);
  if (action === 'start' && node.status === 'running') {
    throw new ApiError('ALREADY_RUNNING', `node ${node.name} is already running`);
  }
  if (action === 'stop' && node.status === 'stopped') return nodeView(node);
  await queueNodeAction(ctx, node, action);
  const reload = async () => {
    const row = await getNode(ctx.db, ctx.principal.orgId, id);
    return row ? [row] : [];
  };
  await waitForNodes(ctx, reload);
  const [after] = await reload();
  if (!after) return { ...nodeView(node), status: 'deleted' };
  return nodeView(after);
}

export const startNode = (ctx: SimContext, id: string) => nodeAction(ctx, id, 'start');
export const stopNode = (ctx: SimContext, id: string) => nodeAction(ctx, id, 'stop');
export const deleteNode = (ctx: SimContext, id: string) => nodeAction(ctx, id, 'delete');

export async function createNode(ctx: SimContext, input: CreateNodeInput) {
  requireWriter(ctx);
  const sim = await findSimulation(ctx, input.simulation_id);
  if (sim.deletingAt) throw new ApiError('CONFLICT', `simulation ${sim.name} is being deleted`);
  if (await nodeNameTaken(ctx.db, sim.id, input.name)) {
    throw new ApiError('CONFLICT', `simulation ${sim.name} already has a node named ${input.name}`);
  }
  const [row] = await addNodes(ctx, sim, [input], input.auto_start, input.ssh_public_keys);
  const reload = async () => {
    const r = await getNode(ctx.db, ctx.principal.orgId, row!.id);
    return r ? [r] : [];
  };
  await waitForNodes(ctx, reload);
  return nodeView((await reload())[0] ?? row!);
}

export async function nodeSsh(ctx: SimContext, id: string) {
  const node = await freshNode(ctx, id);
  const bind = ctx.config.SIM_SSH_BIND;
  const host = ctx.config.SIM_SSH_HOST ?? (bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind);
  return {
    host,
    port: node.sshPort,
    user: 'root',
    password: ctx.config.SIM_SSH_PASSWORD,
    command: `ssh -p ${node.sshPort} root@${host.includes(':') ? `[${host}]` : host}`,
  };
}

export async function nodeLogs(ctx: SimContext, id: string, tail: number) {
  const node = await freshNode(ctx, id);
  const job = await runHostJob(ctx, node.hostAgentId, 'sim.node.logs', { ...nodeRef(node), tail }, 20_000);
  if (job.status !== 'succeeded') {
    throw new ApiError(
      'SERVICE_UNAVAILABLE',
      `could not read the node's logs: ${job.error?.message ?? job.status}`,
    );
  }
  return { node_id: node.id, lines: ((job.result as { lines?: string[] } | null)?.lines ?? []) as string[] };
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
