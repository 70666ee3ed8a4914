/**
 * swarm.init, swarm.join, swarm.leave: this node's membership in its stack's swarm.
 *
 * Idempotent both ways: a node already in this stack's swarm is left alone, a node in another
 * swarm is a clear failure (`swarm_conflict`), never a silent leave. Which swarm is "this
 * stack's": a manager reads the cluster's `kombify.stack` label (set at init); a worker cannot
 * read the cluster, so init and join leave a marker (`<data>/swarm/<stack>.json` with the node
 * id) that leave checks before it leaves.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { JsonObject } from '@bufbuild/protobuf';
import type {
  SwarmInitParams,
  SwarmInitResult,
  SwarmJoinParams,
  SwarmJoinResult,
  SwarmLeaveParams,
} from '@kombify/proto/jobs';
import type Docker from 'dockerode';
import { asJobFailure, dockerClient } from '../../docker.ts';
import { writeFileAtomic } from '../../files.ts';
import type { ExecContext } from '../context.ts';
import { fileDirs } from '../converge/files.ts';
import { JobFailure } from '../job-error.ts';
import { defaultRouteAddress } from './address.ts';

const SWARM_PORT = 2377;

interface SwarmInfo {
  NodeID?: string;
  NodeAddr?: string;
  LocalNodeState?: string;
  ControlAvailable?: boolean;
  RemoteManagers?: { Addr?: string }[] | null;
}

async function swarmInfo(docker: Docker): Promise<SwarmInfo> {
  return ((await docker.info()) as { Swarm?: SwarmInfo }).Swarm ?? {};
}

/** Beside the stacks' directories, not in one: a stack.remove clears the stack's own directory. */
function markerPath(stack: string): string {
  return join(dirname(fileDirs().stacks), 'swarm', `${stack}.json`);
}

function writeMarker(stack: string, nodeId: string, role: string): void {
  writeFileAtomic(markerPath(stack), `${JSON.stringify({ stack, node_id: nodeId, role })}\n`, 0o600, 0o755);
}

function markedNodeId(stack: string): string | null {
  const path = markerPath(stack);
  if (!existsSync(path)) return null;
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { node_id?: string }).node_id ?? null;
  } catch {
    return null;
  }
}

/** The cluster's kombify.stack label (managers only). */
async function clusterStack(docker: Docker): Promise<{ id: string; stack: string | null }> {
  const swarm = (await docker.swarmInspect()) as { ID: string; Spec?: { Labels?: Record<string, string> } };
  return { id: swarm.ID, stack: swarm.Spec?.Labels?.['kombify.stack'] ?? null };
}

/** Whether this node is in a swarm, and whether that swarm is the stack's (node.prechecks asks). */
export async function membershipOf(
  docker: Docker,
  stack: string,
): Promise<{ kind: 'none' } | { kind: 'ours'; role: string } | { kind: 'other'; detail: string }> {
  const info = await swarmInfo(docker);
  if (info.LocalNodeState !== 'active') return { kind: 'none' };
  const role = info.ControlAvailable ? 'manager' : 'worker';
  if (info.ControlAvailable) {
    const cluster = await clusterStack(docker);
    return cluster.stack === stack
      ? { kind: 'ours', role }
      : { kind: 'other', detail: `swarm ${cluster.id}${cluster.stack ? ` (stack ${cluster.stack})` : ''}` };
  }
  return markedNodeId(stack) === info.NodeID
    ? { kind: 'ours', role }
    : {
        kind: 'other',
        detail: `a swarm managed at ${(info.RemoteManagers ?? []).map((m) => m.Addr).join(', ') || 'an unknown address'}`,
      };
}

function conflict(stack: string, detail: string): JobFailure {
  return new JobFailure(
    'swarm_conflict',
    `this node is already in ${detail}, not the swarm of stack ${stack}; leave it on the node (docker swarm leave) or bind another node`,
  );
}

export async function swarmInit(params: SwarmInitParams, ctx: ExecContext): Promise<JsonObject> {
  const docker = dockerClient();
  try {
    const info = await swarmInfo(docker);
    let created = false;
    if (info.LocalNodeState === 'active') {
      if (!info.ControlAvailable) throw conflict(params.stack, 'a swarm as a worker');
      const cluster = await clusterStack(docker);
      if (cluster.stack !== params.stack)
        throw conflict(
          params.stack,
          `swarm ${cluster.id}${cluster.stack ? ` (stack ${cluster.stack})` : ''}`,
        );
      ctx.log('system', `already leading swarm ${cluster.id} of this stack`);
    } else if (info.LocalNodeState === 'inactive') {
      const address = params.advertise_address ?? defaultRouteAddress();
      ctx.progress(`initialising a swarm advertised on ${address}`);
      await docker.swarmInit({
        ListenAddr: `0.0.0.0:${SWARM_PORT}`,
        AdvertiseAddr: `${address}:${SWARM_PORT}`,
        Spec: { Labels: { 'kombify.stack': params.stack, 'kombify.managed': 'true' } },
      });
      created = true;
    } else {
      throw new JobFailure(
        'swarm_busy',
        `the node's swarm state is ${info.LocalNodeState ?? 'unknown'}; try again when it settles`,
        true,
      );
    }
    const after = await swarmInfo(docker);
    const swarm = (await docker.swarmInspect()) as {
      ID: string;
      JoinTokens: { Manager: string; Worker: string };
    };
    writeMarker(params.stack, after.NodeID ?? '', 'manager');
    const result: SwarmInitResult = {
      swarm_id: swarm.ID,
      node_id: after.NodeID ?? '',
      advertise_address: after.NodeAddr ?? '',
      created,
      // The edge moves these into the secret store and drops them from the stored result.
      join_tokens: { manager: swarm.JoinTokens.Manager, worker: swarm.JoinTokens.Worker },
    };
    ctx.log('system', `${created ? 'formed' : 'kept'} swarm ${swarm.ID} on ${result.advertise_address}`);
    return result as unknown as JsonObject;
  } catch (error) {
    asJobFailure(error);
  }
}

export async function swarmJoin(params: SwarmJoinParams, ctx: ExecContext): Promise<JsonObject> {
  if (!params.leader_address)
    throw new JobFailure(
      'invalid_params',
      'leader_address: the edge sends it from the leader’s swarm.init result',
    );
  const docker = dockerClient();
  try {
    const info = await swarmInfo(docker);
    if (info.LocalNodeState === 'active') {
      const managers = (info.RemoteManagers ?? []).map((m) => m.Addr);
      const ours = markedNodeId(params.stack) === info.NodeID || managers.includes(params.leader_address);
      if (!ours)
        throw conflict(params.stack, `a swarm managed at ${managers.join(', ') || 'an unknown address'}`);
      writeMarker(params.stack, info.NodeID ?? '', params.role);
      ctx.log('system', `already in this stack's swarm as node ${info.NodeID}`);
      const result: SwarmJoinResult = {
        node_id: info.NodeID ?? '',
        role: info.ControlAvailable ? 'manager' : 'worker',
        joined: false,
      };
      return result as unknown as JsonObject;
    }
    const [path] = params.secrets;
    const token = (await ctx.fetchSecrets())[path as string];
    if (!token)
      throw new JobFailure('secrets_unavailable', `the edge did not deliver the join token ${path}`, true);
    const address = params.advertise_address ?? defaultRouteAddress();
    ctx.progress(`joining the swarm at ${params.leader_address} as a ${params.role}`);
    await docker.swarmJoin({
      ListenAddr: `0.0.0.0:${SWARM_PORT}`,
      AdvertiseAddr: `${address}:${SWARM_PORT}`,
      RemoteAddrs: [params.leader_address],
      JoinToken: token,
    });
    const after = await swarmInfo(docker);
    writeMarker(params.stack, after.NodeID ?? '', params.role);
    ctx.log('system', `joined as ${params.role} node ${after.NodeID}`);
    const result: SwarmJoinResult = { node_id: after.NodeID ?? '', role: params.role, joined: true };
    return result as unknown as JsonObject;
  } catch (error) {
    asJobFailure(error);
  }
}

export async function swarmLeave(params: SwarmLeaveParams, ctx: ExecContext): Promise<JsonObject> {
  const docker = dockerClient();
  try {
    const info = await swarmInfo(docker);
    if (info.LocalNodeState !== 'active') {
      rmSync(markerPath(params.stack), { force: true });
      return { left: false, reason: 'not in a swarm' };
    }
    // A manager being demoted still says ControlAvailable while its control socket is gone; the
    // marker its init or join wrote answers then.
    const marked = markedNodeId(params.stack) === info.NodeID;
    const ours = info.ControlAvailable
      ? await clusterStack(docker).then(
          (c) => c.stack === params.stack,
          () => marked,
        )
      : marked;
    if (!ours) throw conflict(params.stack, 'a swarm that is not this stack’s (nothing was changed)');
    ctx.progress('leaving the swarm');
    // force: a manager leaving (the last one included) is what a destroy asks for.
    await docker.swarmLeave({ force: true });
    rmSync(markerPath(params.stack), { force: true });
    ctx.log('system', `left the swarm (node ${info.NodeID})`);
    return { left: true, node_id: info.NodeID ?? '' };
  } catch (error) {
    asJobFailure(error);
  }
}
