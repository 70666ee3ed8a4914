/** What node.prechecks looks at on this node: Docker, the disk Docker writes to, memory, ports. */
import { readFile, statfs } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import type { NodePrechecksParams } from '@kombify/proto/jobs';
import type Docker from 'dockerode';
import { LABEL } from '../converge/labels.ts';
import { membershipOf } from '../swarm/membership.ts';
import type { PortProbe, Probes } from './judge.ts';

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** MemAvailable (what can be had without swapping), else the kernel's free memory. */
async function ramAvailableMb(): Promise<number> {
  try {
    const match = /^MemAvailable:\s+(\d+) kB$/m.exec(await readFile('/proc/meminfo', 'utf8'));
    if (match) return Math.floor(Number(match[1]) / 1024);
  } catch {}
  return Math.floor(os.freemem() / 1024 / 1024);
}

async function diskProbe(dockerRoot: string | undefined): Promise<Probes['disk']> {
  // The agent may not see Docker's root dir (another mount namespace); then the filesystem of /.
  for (const path of [dockerRoot, '/'].filter((p): p is string => !!p)) {
    try {
      const s = await statfs(path);
      return { path, freeMb: Math.floor((s.bavail * s.bsize) / 1024 / 1024) };
    } catch (error) {
      if (path === '/') return { error: message(error) };
    }
  }
  return { error: 'no path to measure' };
}

function listenTest(port: number): Promise<Pick<PortProbe, 'status' | 'detail'>> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve({ status: 'busy' });
      else resolve({ status: 'unknown', detail: error.code ?? error.message });
    });
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () =>
      server.close(() => resolve({ status: 'free' })),
    );
  });
}

export async function probeNode(docker: Docker, params: NodePrechecksParams): Promise<Probes> {
  let dockerProbe: Probes['docker'];
  let dockerRoot: string | undefined;
  let published = new Map<number, { name: string; ownStack: boolean }>();
  try {
    const [version, info, containers] = await Promise.all([
      docker.version(),
      docker.info() as Promise<{ DockerRootDir?: string }>,
      docker.listContainers(),
    ]);
    dockerProbe = { version: version.Version };
    dockerRoot = info.DockerRootDir;
    published = new Map(
      containers.flatMap((c) =>
        (c.Ports ?? [])
          .filter((p) => p.PublicPort)
          .map((p) => [
            p.PublicPort,
            {
              name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
              ownStack: params.stack !== undefined && c.Labels[LABEL.stack] === params.stack,
            },
          ]),
      ),
    );
  } catch (error) {
    dockerProbe = { error: message(error) };
  }
  const ports: PortProbe[] = [];
  for (const port of params.ports ?? []) {
    const container = published.get(port);
    ports.push(container ? { port, status: 'busy', container } : { port, ...(await listenTest(port)) });
  }
  return {
    docker: dockerProbe,
    disk: await diskProbe(dockerRoot),
    ramAvailableMb: await ramAvailableMb(),
    ports,
    ...(params.swarm_role && params.stack
      ? { swarm: await membershipOf(docker, params.stack).catch((error) => ({ error: message(error) })) }
      : {}),
  };
}
