/**
 * sim.node.create|start|stop|delete: KombiSim nodes on this machine's Docker engine. A node is a
 * container from the node image (Debian + sshd + its own Docker engine + the agent) on its
 * simulation's own bridge network, with sshd published on the SSH port the edge allocated. The
 * node's engine runs without `--privileged` (not available here): every capability but
 * SYS_RESOURCE, unconfined seccomp/AppArmor/system paths, the host's cgroup namespace with
 * /sys/fs/cgroup writable, and the engine's data on a volume of the node's own
 * (`<container>-docker`), so stop/start keeps its images, containers and volumes. Its pulls go
 * through the host's registry mirror (sim/registry.ts). Stop keeps the container and that volume
 * (its disk); delete removes both, and the simulation's network once no node is left on it. Every
 * job is idempotent: a redelivery finds what the first delivery made.
 */
import type { JsonObject } from '@bufbuild/protobuf';
import type { SimNodeCreateParams, SimNodeLogsParams, SimNodeRef } from '@kombify/proto/jobs';
import type Docker from 'dockerode';
import { asJobFailure, dockerClient, dockerStatus } from '../docker.ts';
import { closeRelay, edgeUrlForNetwork } from '../sim/edge-relay.ts';
import {
  attachRegistry,
  detachRegistry,
  ensureRegistry,
  REGISTRY_CONTAINER,
  REGISTRY_HOST,
  RegistryImageMissing,
} from '../sim/registry.ts';
import { probeHost, waitForSsh } from '../sim/ssh-ready.ts';
import type { ExecContext } from './context.ts';
import { JobFailure } from './job-error.ts';

const SSH_READY_TIMEOUT_MS = 60_000;
/** A node's shutdown: its engine stops its containers (5 s each, in parallel) before it exits. */
const STOP_TIMEOUT_S = 15;

const engineVolume = (ref: SimNodeRef) => `${ref.container}-docker`;

/** Network create/remove for one simulation happen one at a time in this agent (nodes run in parallel). */
const networkLocks = new Map<string, Promise<unknown>>();
function withNetworkLock<T>(network: string, fn: () => Promise<T>): Promise<T> {
  const previous = networkLocks.get(network) ?? Promise.resolve();
  const next = previous.catch(() => {}).then(fn);
  networkLocks.set(network, next);
  void next
    .finally(() => {
      if (networkLocks.get(network) === next) networkLocks.delete(network);
    })
    .catch(() => {});
  return next;
}

function simLabels(ref: SimNodeRef, jobId: string): Record<string, string> {
  return {
    'kombify.managed': 'true',
    'kombify.job': jobId,
    'kombify.simulation': ref.simulation_id,
    'kombify.sim-node': ref.node_id,
  };
}

async function inspect(docker: Docker, name: string) {
  try {
    return await docker.getContainer(name).inspect();
  } catch (error) {
    if (dockerStatus(error) === 404) return null;
    throw error;
  }
}

/** Only containers made for this node are touched. */
function ownedBy(info: Docker.ContainerInspectInfo, ref: SimNodeRef): boolean {
  return info.Config.Labels?.['kombify.sim-node'] === ref.node_id;
}

async function ensureNetwork(docker: Docker, ref: SimNodeRef, jobId: string): Promise<void> {
  await withNetworkLock(ref.network, async () => {
    try {
      await docker.getNetwork(ref.network).inspect();
      return;
    } catch (error) {
      if (dockerStatus(error) !== 404) throw error;
    }
    try {
      await docker.createNetwork({
        Name: ref.network,
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: { ...simLabels(ref, jobId), 'kombify.sim-node': '' },
      });
    } catch (error) {
      if (dockerStatus(error) !== 409) throw error;
    }
  });
}

function nodeResult(info: Docker.ContainerInspectInfo, ref: SimNodeRef, sshReady: boolean): JsonObject {
  return {
    container_id: info.Id,
    state: info.State.Status,
    ip: info.NetworkSettings.Networks?.[ref.network]?.IPAddress ?? '',
    ssh_ready: sshReady,
  };
}

async function ensureRegistryRuns(docker: Docker, opts: { image?: string; port?: number }): Promise<void> {
  try {
    await ensureRegistry(docker, opts);
  } catch (error) {
    if (error instanceof RegistryImageMissing) throw new JobFailure('image_not_found', error.message);
    throw error;
  }
}

/** The host's registry mirror runs and is on the simulation's network (first need starts it). */
async function ensureMirror(
  docker: Docker,
  ref: SimNodeRef,
  opts: { image?: string; port?: number } = {},
): Promise<void> {
  await ensureRegistryRuns(docker, opts);
  await attachRegistry(docker, ref.network);
}

async function startAndWait(
  docker: Docker,
  info: Docker.ContainerInspectInfo,
  ref: SimNodeRef,
  ctx: ExecContext,
): Promise<JsonObject> {
  const edge = info.Config.Labels?.['kombify.sim-edge'];
  if (edge) await edgeUrlForNetwork(docker, ref.network, edge);
  await ensureMirror(docker, ref);
  if (!info.State.Running) {
    ctx.progress(`starting ${ref.container}`);
    try {
      await docker.getContainer(info.Id).start();
    } catch (error) {
      if (dockerStatus(error) !== 304) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new JobFailure('start_failed', `node ${ref.container} could not start: ${reason}`);
      }
    }
  }
  const binding = info.HostConfig.PortBindings?.['22/tcp']?.[0];
  const port = Number(binding?.HostPort);
  ctx.progress(`waiting for SSH on port ${port}`);
  const ready = await waitForSsh(probeHost(binding?.HostIp || '127.0.0.1'), port, {
    timeoutMs: SSH_READY_TIMEOUT_MS,
    signal: ctx.signal,
  });
  const after = await docker.getContainer(info.Id).inspect();
  if (!ready) {
    throw new JobFailure(
      'ssh_not_ready',
      `node ${ref.container} started but SSH did not answer on port ${port} within ${SSH_READY_TIMEOUT_MS / 1000} s (container ${after.State.Status})`,
    );
  }
  // The node's init starts sshd only after its engine answers (or gave up after 30 s).
  ctx.log('system', `node ${ref.container} answers SSH on port ${port}`);
  return nodeResult(after, ref, true);
}

export async function simNodeCreate(params: SimNodeCreateParams, ctx: ExecContext): Promise<JsonObject> {
  const docker = dockerClient();
  try {
    let info = await inspect(docker, params.container);
    if (info && !ownedBy(info, params)) {
      throw new JobFailure(
        'name_conflict',
        `a container named ${params.container} exists and is not this node`,
      );
    }
    if (!info) {
      // The mirror starts (first need) while the network is made; then it joins the network.
      const registry = { image: params.registry_image, port: params.registry_port };
      await Promise.all([ensureNetwork(docker, params, ctx.jobId), ensureRegistryRuns(docker, registry)]);
      await ensureMirror(docker, params, registry);
      try {
        await docker.getImage(params.image).inspect();
      } catch (error) {
        if (dockerStatus(error) !== 404) throw error;
        throw new JobFailure(
          'image_not_found',
          `the node image ${params.image} is not on this machine; build it with \`npm run sim:image\` (or pull it from your registry)`,
        );
      }
      const env = [
        `KOMBISIM_PASSWORD=${params.password ?? ''}`,
        `KOMBISIM_AUTHORIZED_KEYS=${params.authorized_keys.join('\n')}`,
        `KOMBISIM_REGISTRY=${REGISTRY_HOST}`,
        // The node's agent names the mirror when a pull fails (sim/mirror.ts).
        `KOMBIFY_SIM_REGISTRY=${REGISTRY_HOST}`,
        `KOMBIFY_SIM_REGISTRY_PUSH=127.0.0.1:${params.registry_port}`,
      ];
      if (params.latency_ms !== undefined) env.push(`KOMBISIM_LATENCY_MS=${params.latency_ms}`);
      if (params.loss_percent !== undefined) env.push(`KOMBISIM_LOSS_PERCENT=${params.loss_percent}`);
      const labels = simLabels(params, ctx.jobId);
      if (params.agent) {
        labels['kombify.sim-edge'] = params.agent.edge_url;
        env.push(
          `KOMBIFY_EDGE_URL=${await edgeUrlForNetwork(docker, params.network, params.agent.edge_url)}`,
          `KOMBIFY_ENROLLMENT_TOKEN=${params.agent.enrollment_token}`,
          `KOMBIFY_WORKER_NAME=${params.agent.worker_name}`,
        );
        // The host's own edge on loopback is reached from the node over the Docker bridge: plain
        // http between this machine's containers, said on purpose (see agent/src/edge-url.ts).
        if (params.agent.edge_url.startsWith('http://')) env.push('KOMBIFY_ALLOW_HTTP_EDGE=1');
      }
      ctx.progress(`creating ${params.container}`);
      // The node's disk for its engine (creating an existing volume returns it).
      await docker.createVolume({ Name: engineVolume(params), Labels: labels });
      // dockerode's types lack CgroupnsMode (Engine API ≥ 1.41).
      const host: Docker.HostConfig & { CgroupnsMode: 'host' } = {
        PortBindings: { '22/tcp': [{ HostIp: params.ssh_bind, HostPort: String(params.ssh_port) }] },
        NanoCpus: Math.round(params.cpu * 1e9),
        Memory: params.memory_mb * 1024 * 1024,
        // The node's own engine, without --privileged (see the top of this file).
        CapAdd: ['ALL'],
        CapDrop: ['SYS_RESOURCE'],
        SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
        // `--security-opt systempaths=unconfined` as the Engine API spells it: nothing masked.
        MaskedPaths: [],
        ReadonlyPaths: [],
        CgroupnsMode: 'host',
        Binds: ['/sys/fs/cgroup:/sys/fs/cgroup:rw'],
        Tmpfs: { '/run': 'rw,exec,nosuid,size=65536k' },
        Mounts: [{ Type: 'volume', Source: engineVolume(params), Target: '/var/lib/docker' }],
        NetworkMode: params.network,
        ExtraHosts: ['host.docker.internal:host-gateway'],
      };
      try {
        await docker.createContainer({
          name: params.container,
          Hostname: params.hostname,
          Image: params.image,
          Env: env,
          Labels: labels,
          ExposedPorts: { '22/tcp': {} },
          HostConfig: host,
          NetworkingConfig: { EndpointsConfig: { [params.network]: { Aliases: [params.hostname] } } },
        });
      } catch (error) {
        if (dockerStatus(error) !== 409) throw error;
        // A redelivery racing the first delivery: the container is there now.
      }
      info = await inspect(docker, params.container);
      if (!info || !ownedBy(info, params)) {
        throw new JobFailure(
          'name_conflict',
          `a container named ${params.container} exists and is not this node`,
        );
      }
      ctx.log('system', `created node ${params.container} (${params.hostname}) from ${params.image}`);
    }
    if (!params.start) return nodeResult(info, params, false);
    return await startAndWait(docker, info, params, ctx);
  } catch (error) {
    asJobFailure(error);
  }
}

async function ownedNode(docker: Docker, ref: SimNodeRef) {
  const info = await inspect(docker, ref.container);
  if (info && !ownedBy(info, ref)) {
    throw new JobFailure('name_conflict', `container ${ref.container} is not node ${ref.node_id}`);
  }
  return info;
}

export async function simNodeStart(ref: SimNodeRef, ctx: ExecContext): Promise<JsonObject> {
  const docker = dockerClient();
  try {
    const info = await ownedNode(docker, ref);
    if (!info)
      throw new JobFailure('node_missing', `node container ${ref.container} does not exist on this machine`);
    return await startAndWait(docker, info, ref, ctx);
  } catch (error) {
    asJobFailure(error);
  }
}

export async function simNodeStop(ref: SimNodeRef, ctx: ExecContext): Promise<JsonObject> {
  const docker = dockerClient();
  try {
    const info = await ownedNode(docker, ref);
    if (!info)
      throw new JobFailure('node_missing', `node container ${ref.container} does not exist on this machine`);
    if (info.State.Running) {
      ctx.progress(`stopping ${ref.container}`);
      try {
        await docker.getContainer(info.Id).stop({ t: STOP_TIMEOUT_S });
      } catch (error) {
        if (dockerStatus(error) !== 304) throw error;
      }
    }
    ctx.log('system', `node ${ref.container} stopped; its disk and its engine's data are kept`);
    return nodeResult(await docker.getContainer(info.Id).inspect(), ref, false);
  } catch (error) {
    asJobFailure(error);
  }
}

export async function simNodeDelete(ref: SimNodeRef, ctx: ExecContext): Promise<JsonObject> {
  const docker = dockerClient();
  try {
    const info = await ownedNode(docker, ref);
    // Removals of one simulation's nodes take turns with the network check, so the last node to
    // go sees an empty network and takes it with it.
    const networkRemoved = await withNetworkLock(ref.network, async () => {
      if (info) {
        ctx.progress(`removing ${ref.container}`);
        try {
          await docker.getContainer(info.Id).remove({ force: true, v: true });
        } catch (error) {
          if (dockerStatus(error) !== 404) throw error;
        }
      }
      return removeNetworkIfEmpty(docker, ref);
    });
    // The node's disk: its engine's images, containers and volumes.
    await docker
      .getVolume(engineVolume(ref))
      .remove()
      .catch((error) => {
        if (dockerStatus(error) !== 404) throw error;
      });
    ctx.log('system', `node ${ref.container} ${info ? 'removed' : 'was already gone'}`);
    return { removed: Boolean(info), network_removed: networkRemoved };
  } catch (error) {
    asJobFailure(error);
  }
}

async function removeNetworkIfEmpty(docker: Docker, ref: SimNodeRef): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      const net = await docker.getNetwork(ref.network).inspect();
      if (net.Labels?.['kombify.simulation'] !== ref.simulation_id) return false;
      const attached = Object.values(net.Containers ?? {}).filter((c) => c.Name !== REGISTRY_CONTAINER);
      if (attached.length > 0) return false;
      await detachRegistry(docker, ref.network);
      await docker.getNetwork(ref.network).remove();
      closeRelay(ref.network);
      return true;
    } catch (error) {
      const status = dockerStatus(error);
      if (status === 404) return false;
      // The engine releases a removed container's endpoint a moment after the removal returns.
      if (status === 403 && attempt < 10) {
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      if (status === 403) return false;
      throw error;
    }
  }
}

export async function simNodeLogs(params: SimNodeLogsParams): Promise<JsonObject> {
  const docker = dockerClient();
  try {
    const info = await ownedNode(docker, params);
    if (!info)
      throw new JobFailure(
        'node_missing',
        `node container ${params.container} does not exist on this machine`,
      );
    const raw = await docker
      .getContainer(info.Id)
      .logs({ stdout: true, stderr: true, tail: params.tail, timestamps: true, follow: false });
    return { lines: demux(raw as unknown as Buffer) };
  } catch (error) {
    asJobFailure(error);
  }
}

/** Docker's multiplexed log stream (8-byte frame headers, no TTY) as text lines. */
function demux(buffer: Buffer): string[] {
  let text = '';
  for (let at = 0; at + 8 <= buffer.length; ) {
    const size = buffer.readUInt32BE(at + 4);
    text += buffer.subarray(at + 8, at + 8 + size).toString('utf8');
    at += 8 + size;
  }
  return text.split('\n').filter((line) => line !== '');
}
