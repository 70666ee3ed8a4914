/**
 * The `docker_version` check of `stackkit prepare`: Docker's API on DOCKER_HOST or the default
 * socket (`/_ping`, `/version`, through dockerode as in the agent), and the host ports this stack's own containers already publish
 * (so `port_available` does not fail on a re-run after `apply`).
 */
import Docker from 'dockerode';
import type { Check } from './check.ts';

interface DockerEndpoint {
  url: string;
  socketPath?: string;
  host?: string;
  port?: number;
}

/** DOCKER_HOST (unix:// or tcp://), else the default socket; undefined for ssh:// and the like. */
export function dockerEndpoint(env: Record<string, string | undefined>): DockerEndpoint | undefined {
  const raw = env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  if (raw.startsWith('unix://')) return { url: raw, socketPath: raw.slice('unix://'.length) };
  if (raw.startsWith('tcp://')) {
    const u = new URL(`http://${raw.slice('tcp://'.length)}`);
    return { url: raw, host: u.hostname, port: Number(u.port || 2375) };
  }
  return undefined;
}

/** The dockerode client for an endpoint (the same client the agent uses). */
export function dockerClient(endpoint: DockerEndpoint, timeoutMs = 3000): Docker {
  return endpoint.socketPath
    ? new Docker({ socketPath: endpoint.socketPath, timeout: timeoutMs })
    : new Docker({ host: endpoint.host, port: endpoint.port, timeout: timeoutMs });
}

export interface DockerProbe {
  check: Check;
  /** `port/protocol` published by this stack's own running containers. */
  ownPorts: Map<string, string>;
}

/** Pings Docker, reads its version and the ports this stack's containers already publish. */
export async function checkDocker(
  env: Record<string, string | undefined>,
  stack: string,
  needed: boolean,
): Promise<DockerProbe> {
  const ownPorts = new Map<string, string>();
  if (!needed) {
    return {
      check: {
        name: 'docker_version',
        status: 'skipped',
        message: "no node deploys to this machine's Docker (every node is reached over SSH)",
        blocking: false,
      },
      ownPorts,
    };
  }
  const endpoint = dockerEndpoint(env);
  if (!endpoint) {
    return {
      check: {
        name: 'docker_version',
        status: 'skipped',
        message: `DOCKER_HOST=${env.DOCKER_HOST} is not checked from here (only unix:// and tcp://)`,
        blocking: false,
      },
      ownPorts,
    };
  }
  try {
    const docker = dockerClient(endpoint);
    await docker.ping();
    const version = await docker.version();
    try {
      const list = await docker.listContainers({ filters: { label: [`kombify.stack=${stack}`] } });
      for (const c of list) {
        for (const p of c.Ports ?? []) {
          if (p.PublicPort)
            ownPorts.set(`${p.PublicPort}/${p.Type ?? 'tcp'}`, (c.Names?.[0] ?? '').replace(/^\//, ''));
        }
      }
    } catch {}
    return {
      check: {
        name: 'docker_version',
        status: 'passed',
        message: `Docker ${version.Version ?? '?'} (API ${version.ApiVersion ?? '?'}) at ${endpoint.url}`,
        blocking: true,
      },
      ownPorts,
    };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'the socket does not exist (is Docker installed and running?)'
        : code === 'EACCES'
          ? 'permission denied (add your user to the docker group)'
          : (error as Error).message;
    return {
      check: {
        name: 'docker_version',
        status: 'failed',
        message: `Docker does not answer at ${endpoint.url}: ${why}`,
        blocking: true,
      },
      ownPorts,
    };
  }
}
