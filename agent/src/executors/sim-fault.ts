/**
 * sim.node.fault: faults injected into a KombiSim node on this machine's engine. `kill` is a
 * machine losing power (SIGKILL to the node's container; sim.node.start boots it again), `pause`
 * freezes it (cgroup freezer), `partition` makes the node drop every packet to and from the named
 * peers (other nodes of its simulation; none named: all of them) with iptables inside the node (its
 * own chain `KOMBISIM-FAULT`, hooked into INPUT and OUTPUT; the node's engine does not touch
 * those), and `heal` undoes pause and partition. With `duration_s` this agent heals by itself
 * after that long (a timer in this process: an agent restart forgets it; `heal` still works).
 * Latency and loss cannot be injected on this kernel (no sch_netem).
 */
import type { JsonObject } from '@bufbuild/protobuf';
import type { SimNodeFaultParams } from '@kombify/proto/jobs';
import type Docker from 'dockerode';
import { asJobFailure, dockerClient, dockerStatus } from '../docker.ts';
import { execIn } from '../docker-exec.ts';
import type { ExecContext } from './context.ts';
import { JobFailure } from './job-error.ts';

const CHAIN = 'KOMBISIM-FAULT';
const timers = new Map<string, NodeJS.Timeout>();

/** Runs a shell command in the node (as root); fails the job with its output when it fails. */
async function inNode(docker: Docker, container: string, script: string): Promise<string> {
  const { exitCode, output } = await execIn(docker, container, ['sh', '-c', script]);
  if (exitCode !== 0)
    throw new JobFailure('fault_failed', `in ${container}: ${output.trim() || `exit ${exitCode}`}`);
  return output;
}

/** The addresses of the peers on the simulation network (all other nodes when none are named). */
async function peerAddresses(docker: Docker, params: SimNodeFaultParams): Promise<string[]> {
  const net = await docker.getNetwork(params.network).inspect();
  const nodes = Object.values(
    (net.Containers ?? {}) as Record<string, { Name: string; IPv4Address: string }>,
  ).filter((c) => c.Name !== params.container && c.Name.startsWith(`${params.network}-`));
  const wanted = params.peers.length > 0 ? nodes.filter((c) => params.peers.includes(c.Name)) : nodes;
  const missing = params.peers.filter((p) => !nodes.some((c) => c.Name === p));
  if (missing.length > 0)
    throw new JobFailure('peer_missing', `not on ${params.network}: ${missing.join(', ')}`);
  return wanted.map((c) => c.IPv4Address.split('/')[0]!).filter(Boolean);
}

async function heal(docker: Docker, params: SimNodeFaultParams): Promise<string[]> {
  const done: string[] = [];
  const info = await docker.getContainer(params.container).inspect();
  if (info.State.Paused) {
    await docker.getContainer(params.container).unpause();
    done.push('unpaused');
  }
  if (info.State.Running) {
    await inNode(docker, params.container, `iptables -F ${CHAIN} 2>/dev/null || true`);
    done.push('partition healed');
  }
  return done;
}

export async function simNodeFault(params: SimNodeFaultParams, ctx: ExecContext): Promise<JsonObject> {
  const docker = dockerClient();
  try {
    let info: Docker.ContainerInspectInfo;
    try {
      info = await docker.getContainer(params.container).inspect();
    } catch (error) {
      if (dockerStatus(error) === 404)
        throw new JobFailure(
          'node_missing',
          `node container ${params.container} does not exist on this machine`,
        );
      throw error;
    }
    if (info.Config.Labels?.['kombify.sim-node'] !== params.node_id)
      throw new JobFailure('name_conflict', `container ${params.container} is not node ${params.node_id}`);
    clearTimeout(timers.get(params.container));
    timers.delete(params.container);
    if (params.kind === 'heal') {
      const done = await heal(docker, params);
      ctx.log('system', `${params.container}: ${done.join(', ') || 'nothing to heal'}`);
      return { kind: 'heal', done };
    }
    if (!info.State.Running)
      throw new JobFailure('node_not_running', `node ${params.container} is not running`);
    let detail: JsonObject = {};
    switch (params.kind) {
      case 'kill':
        await docker.getContainer(params.container).kill({ signal: 'SIGKILL' });
        ctx.log('system', `${params.container} killed (power lost)`);
        return { kind: 'kill', state: 'exited' };
      case 'pause':
        if (!info.State.Paused) await docker.getContainer(params.container).pause();
        break;
      case 'partition': {
        const peers = await peerAddresses(docker, params);
        const rules = peers
          .flatMap((ip) => [`iptables -A ${CHAIN} -s ${ip} -j DROP`, `iptables -A ${CHAIN} -d ${ip} -j DROP`])
          .join(' && ');
        await inNode(
          docker,
          params.container,
          `(iptables -N ${CHAIN} 2>/dev/null || true) && iptables -F ${CHAIN} && ` +
            `(iptables -C INPUT -j ${CHAIN} 2>/dev/null || iptables -I INPUT -j ${CHAIN}) && ` +
            `(iptables -C OUTPUT -j ${CHAIN} 2>/dev/null || iptables -I OUTPUT -j ${CHAIN})` +
            (rules ? ` && ${rules}` : ''),
        );
        detail = { peers };
        break;
      }
    }
    if (params.duration_s) {
      const timer = setTimeout(() => {
        timers.delete(params.container);
        void heal(docker, params).catch(() => {});
      }, params.duration_s * 1000);
      timer.unref();
      timers.set(params.container, timer);
    }
    ctx.log(
      'system',
      `${params.container}: ${params.kind}${params.duration_s ? ` for ${params.duration_s} s` : ''}`,
    );
    return { kind: params.kind, ...detail, ...(params.duration_s ? { heals_in_s: params.duration_s } : {}) };
  } catch (error) {
    asJobFailure(error);
  }
}
