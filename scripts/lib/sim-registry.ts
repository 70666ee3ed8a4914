/**
 * Images into KombiSim's registry mirror (the host's `kombisim-registry`, agent/src/sim/registry.ts):
 * tagged under their Docker Hub path on the mirror's loopback port and pushed, so every node's
 * engine pulls them under their upstream names (`busybox`, `postgres:16-alpine`, …).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { mirrorPath } from '../../agent/src/sim/mirror.ts';
import { DEFAULT_REGISTRY_PORT, ensureRegistry } from '../../agent/src/sim/registry.ts';
import { buildRegistryImage } from './sim-image.ts';

const run = promisify(execFile);

export interface PushOptions {
  port?: number;
  progress?: (line: string) => void;
}

/** Starts the mirror (building its image on first need) and returns its loopback address. */
export async function ensureMirror(opts: PushOptions = {}): Promise<string> {
  const port = opts.port ?? DEFAULT_REGISTRY_PORT;
  const image = await buildRegistryImage({ progress: opts.progress });
  await ensureRegistry(new Docker({ socketPath: '/var/run/docker.sock' }), { image, port });
  return `127.0.0.1:${port}`;
}

/**
 * Pushes local images into the mirror. `as` maps a local image to the name nodes pull it by
 * (default: its own name): `{ 'kombify/busybox:test': 'busybox' }`.
 */
export async function pushToMirror(
  images: string[] | Record<string, string>,
  opts: PushOptions = {},
): Promise<string[]> {
  const say = opts.progress ?? (() => {});
  const address = await ensureMirror(opts);
  const pairs = Array.isArray(images) ? images.map((i) => [i, i] as const) : Object.entries(images);
  const pushed: string[] = [];
  for (const [local, name] of pairs) {
    const path = mirrorPath(name);
    if (!path) throw new Error(`${name} is not a Docker Hub name; the mirror serves Docker Hub names only`);
    const target = `${address}/${path}`;
    await run('docker', ['tag', local, target]);
    await run('docker', ['push', '-q', target], { maxBuffer: 16 * 1024 * 1024 });
    await run('docker', ['rmi', target]).catch(() => {});
    say(`pushed ${local} as ${name} (${target})`);
    pushed.push(name);
  }
  return pushed;
}
