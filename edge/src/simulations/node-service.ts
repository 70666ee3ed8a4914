/** KombiSim's node operations (REST and Connect both call these, through service.ts). */
import { atLeast } from '@kombify/proto/roles';
import { ApiError } from '../platform/errors.ts';
import { openForOrg } from '../secrets/index.ts';
import { findNode, findSimulation, refuseBusy, requireWriter } from './access.ts';
import { addNodes, rootPasswordPurpose } from './add-nodes.ts';
import type { SimContext } from './context.ts';
import { type NodeAction, nodeRef, queueNodeAction, runHostJob, waitForJobs } from './node-jobs.ts';
import type { CreateNodeInput } from './schemas.ts';
import { claimRootPassword, getNode, listNodes, listNodesOfSimulation, nodeNameTaken } from './store.ts';
import { nodeView } from './views.ts';

export async function listSimulationNodesView(ctx: SimContext, id: string) {
  const sim = await findSimulation(ctx, id);
  return (await listNodesOfSimulation(ctx.db, ctx.principal.orgId, sim.id)).map(nodeView);
}

export async function listNodesView(ctx: SimContext, page: { limit: number; offset: number }) {
  const { rows, total } = await listNodes(ctx.db, ctx.principal.orgId, page);
  return { data: rows.map(nodeView), total };
}

export async function getNodeView(ctx: SimContext, id: string) {
  return nodeView(await findNode(ctx, id));
}

async function nodeAction(ctx: SimContext, id: string, action: NodeAction) {
  requireWriter(ctx);
  const node = await findNode(ctx, id);
  if (action !== 'delete') refuseBusy([node]);
  if (action === 'start' && node.status === 'running') {
    throw new ApiError('ALREADY_RUNNING', `node ${node.name} is already running`);
  }
  if (action === 'stop' && node.status === 'stopped') return nodeView(node);
  await waitForJobs(ctx, [await queueNodeAction(ctx, node, action)]);
  const after = await getNode(ctx.db, ctx.principal.orgId, id);
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
  const added = await addNodes(ctx, sim, [input], input.auto_start, input.ssh_public_keys);
  const row = added.rows[0]!;
  await waitForJobs(ctx, added.jobs);
  return nodeView((await getNode(ctx.db, ctx.principal.orgId, row.id)) ?? row);
}

/**
 * How to log in. The node's root password is shown once, to an operator (owner or admin): the
 * first such read returns it and the edge forgets it; later reads (and other roles) get
 * `password: null` and a note saying why. A key-only node has no password.
 */
export async function nodeSsh(ctx: SimContext, id: string) {
  const node = await findNode(ctx, id);
  const bind = ctx.config.SIM_SSH_BIND;
  const host = ctx.config.SIM_SSH_HOST ?? (bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind);
  const operator = atLeast(ctx.principal.role, 'admin');
  const claimed =
    operator && node.login === 'password'
      ? await claimRootPassword(ctx.db, ctx.principal.orgId, node.id)
      : null;
  const password =
    claimed === null
      ? null
      : await openForOrg(ctx.db, ctx.config, ctx.principal.orgId, rootPasswordPurpose(node.id), claimed);
  const login = node.login === 'keys' ? 'keys' : 'password';
  return {
    host,
    port: node.sshPort,
    user: 'root',
    login,
    password,
    ...(password
      ? { password_note: 'shown once: the edge does not keep it; note it now (or add your keys to the node)' }
      : login === 'keys'
        ? { password_note: 'key-only login: use the private key of a public key you gave' }
        : !operator
          ? { password_note: 'only owners and admins see the password' }
          : {
              password_note: `the password was shown once${node.passwordShownAt ? ` (${node.passwordShownAt.toISOString()})` : ''}; the edge no longer has it`,
            }),
    command: `ssh -p ${node.sshPort} root@${host.includes(':') ? `[${host}]` : host}`,
  };
}

export async function nodeLogs(ctx: SimContext, id: string, tail: number) {
  const node = await findNode(ctx, id);
  const job = await runHostJob(ctx, node.hostAgentId, 'sim.node.logs', { ...nodeRef(node), tail }, 20_000);
  if (job.status !== 'succeeded') {
    throw new ApiError(
      'SERVICE_UNAVAILABLE',
      `could not read the node's logs: ${job.error?.message ?? job.status}`,
    );
  }
  return { node_id: node.id, lines: ((job.result as { lines?: string[] } | null)?.lines ?? []) as string[] };
}
