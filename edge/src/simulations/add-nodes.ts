/** New nodes: their rows with SSH ports (all or none), and their creation queued on the host. */

import { ApiError } from '../platform/errors.ts';
import { randomId, randomSecret, sha256Hex } from '../platform/ids.ts';
import { sealForOrg } from '../secrets/index.ts';
import { createEnrollmentToken } from '../workers/index.ts';
import type { SimContext } from './context.ts';
import { type HostJob, queueNodeAction } from './node-jobs.ts';
import type { NodeSpec } from './schemas.ts';
import {
  insertNodesWithPorts,
  isUniqueViolation,
  listNodesOfSimulation,
  type NewSimNode,
  type SimNodeRow,
  type SimulationRow,
} from './store.ts';
import { resolveResources, type SimNodeType } from './templates.ts';

const toMb = (size: string) => Number.parseInt(size, 10) * (size.endsWith('Gi') ? 1024 : 1);
const toGb = (size: string) => Number.parseInt(size, 10) * (size.endsWith('Ti') ? 1024 : 1);

/** What a node's sealed root password is bound to (secrets' sealForOrg). */
export const rootPasswordPurpose = (nodeId: string) => `sim-node/${nodeId}/root-password`;

/** root's password on a node: 20 characters of base32 (100 bits), its own for every node. */
const newPassword = () => randomId('x', 13).slice(2, 22);

function newNode(spec: NodeSpec, position: number, status: string, keyOnly: boolean): NewSimNode {
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
    // Keys given: key-only login, as on a VPS provisioned with keys; else a password of its own.
    login: keyOnly ? 'keys' : 'password',
    rootPassword: keyOnly ? null : newPassword(),
  };
}

/**
 * Allocates ports for the nodes (all or none) and queues their creation on the host worker;
 * returns the rows and their creation jobs (to wait for).
 */
export async function addNodes(
  ctx: SimContext,
  sim: SimulationRow,
  specs: NodeSpec[],
  autoStart: boolean,
  keys: string[],
): Promise<{ rows: SimNodeRow[]; jobs: HostJob[] }> {
  if (specs.length === 0) return { rows: [], jobs: [] };
  const existing = await listNodesOfSimulation(ctx.db, ctx.principal.orgId, sim.id);
  const first = existing.reduce((max, n) => Math.max(max, n.position), 0) + 1;
  const fresh = specs.map((spec, i) => newNode(spec, first + i, 'creating', keys.length > 0));
  // The password goes to the node in its create job; the row keeps it sealed until it is shown.
  const passwords = new Map(fresh.flatMap((n) => (n.rootPassword ? [[n.id, n.rootPassword] as const] : [])));
  const sealed = await Promise.all(
    fresh.map(async (n) =>
      n.rootPassword
        ? {
            ...n,
            rootPassword: await sealForOrg(
              ctx.db,
              ctx.config,
              ctx.principal.orgId,
              rootPasswordPurpose(n.id),
              n.rootPassword,
            ),
          }
        : n,
    ),
  );
  const rows = await insertNodesWithPorts(ctx.db, {
    orgId: ctx.principal.orgId,
    simulationId: sim.id,
    hostAgentId: sim.hostAgentId,
    portFirst: ctx.config.SIM_SSH_PORT_FIRST,
    portCount: ctx.config.SIM_SSH_PORTS,
    nodes: sealed,
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
  const jobs = await Promise.all(
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
        ...(passwords.has(node.id) ? { password: passwords.get(node.id) } : {}),
        authorized_keys: keys,
        registry_image: ctx.config.SIM_REGISTRY_IMAGE,
        registry_port: ctx.config.SIM_REGISTRY_PORT,
        start: autoStart,
        ...(sim.deployTarget ? { agent: await nodeAgent(ctx, sim, node) } : {}),
      }),
    ),
  );
  return { rows, jobs };
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
