/**
 * The registry mirror the host runs for its simulations: one container (`kombisim-registry`, from
 * `kombify/sim-registry`: Debian's docker-registry without auth, data in a named volume) started
 * on first need and reused after. It is published on the host's loopback (where images are pushed
 * to it under their upstream names: `127.0.0.1:5000/library/postgres:16-alpine`) and attached to
 * every simulation network as `kombisim-registry`, where each node's engine has it as its
 * registry mirror and insecure registry. Every step is idempotent: parallel node creates share one
 * start, and a second host agent finds the first one's container.
 */
import type Docker from 'dockerode';
import { dockerStatus } from '../docker.ts';

export const REGISTRY_CONTAINER = 'kombisim-registry';
export const REGISTRY_VOLUME = 'kombisim-registry-data';
/** The name nodes reach it by on their simulation network (and the port inside the network). */
export const REGISTRY_HOST = `${REGISTRY_CONTAINER}:5000`;
export const DEFAULT_REGISTRY_IMAGE = 'kombify/sim-registry:latest';
export const DEFAULT_REGISTRY_PORT = 5000;

export interface RegistryOptions {
  image?: string;
  /** The host port on loopback it is published on (pushes go there). */
  port?: number;
}

let starting: Promise<void> | null = null;

/** Starts the mirror unless it runs (one start at a time in this process). */
export function ensureRegistry(docker: Docker, opts: RegistryOptions = {}): Promise<void> {
  if (!starting) {
    starting = startRegistry(docker, opts).finally(() => {
      starting = null;
    });
  }
  return starting;
}

async function inspect(docker: Docker) {
  try {
    return await docker.getContainer(REGISTRY_CONTAINER).inspect();
  } catch (error) {
    if (dockerStatus(error) === 404) return null;
    throw error;
  }
}

async function startRegistry(docker: Docker, opts: RegistryOptions): Promise<void> {
  const image = opts.image ?? DEFAULT_REGISTRY_IMAGE;
  const port = opts.port ?? DEFAULT_REGISTRY_PORT;
  let info = await inspect(docker);
  if (!info) {
    try {
      await docker.getImage(image).inspect();
    } catch (error) {
      if (dockerStatus(error) !== 404) throw error;
      throw new RegistryImageMissing(image);
    }
    try {
      await docker.createContainer({
        name: REGISTRY_CONTAINER,
        Image: image,
        Labels: { 'kombify.managed': 'true', 'kombify.sim-registry': 'true' },
        ExposedPorts: { '5000/tcp': {} },
        HostConfig: {
          PortBindings: { '5000/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] },
          Mounts: [{ Type: 'volume', Source: REGISTRY_VOLUME, Target: '/var/lib/docker-registry' }],
          RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
        },
      });
    } catch (error) {
      // Another agent (or test) made it at the same moment.
      if (dockerStatus(error) !== 409) throw error;
    }
    info = await inspect(docker);
  }
  if (info && !info.State.Running) {
    try {
      await docker.getContainer(REGISTRY_CONTAINER).start();
    } catch (error) {
      if (dockerStatus(error) !== 304) throw error;
    }
  }
  await waitUntilServing(docker);
}

/** The registry answers `/v2/` once it listens (a fresh container takes a few hundred ms). */
async function waitUntilServing(docker: Docker): Promise<void> {
  const info = await docker.getContainer(REGISTRY_CONTAINER).inspect();
  const port = info.HostConfig.PortBindings?.['5000/tcp']?.[0]?.HostPort;
  if (!port) return;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v2/`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the registry mirror ${REGISTRY_CONTAINER} did not answer on 127.0.0.1:${port}`);
}

/** Attaches the mirror to a simulation network as `kombisim-registry` (already there counts). */
export async function attachRegistry(docker: Docker, network: string): Promise<void> {
  try {
    await docker
      .getNetwork(network)
      .connect({ Container: REGISTRY_CONTAINER, EndpointConfig: { Aliases: [REGISTRY_CONTAINER] } });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    if (dockerStatus(error) === 403 && /already exists|already attached/i.test(text)) return;
    if (/already exists|already attached/i.test(text)) return;
    throw error;
  }
}

/** Lets go of a simulation network, so the last node's delete can remove it. */
export async function detachRegistry(docker: Docker, network: string): Promise<void> {
  await docker
    .getNetwork(network)
    .disconnect({ Container: REGISTRY_CONTAINER, Force: true })
    .catch(() => {});
}

export class RegistryImageMissing extends Error {
  readonly image: string;
  constructor(image: string) {
    super(`the registry mirror image ${image} is not on this machine; build it with \`npm run sim:image\``);
    this.image = image;
  }
}
