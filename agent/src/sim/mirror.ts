/**
 * Inside a KombiSim node the engine pulls through the host's registry mirror (sim/registry.ts),
 * and there is nothing behind it: an image the mirror lacks cannot be had. A failed pull then says
 * which image and how to put it into the mirror, instead of the engine's "lookup
 * registry-1.docker.io: no such host". Set by the node's environment (sim.node.create).
 */
import { JobFailure } from '../executors/job-error.ts';

export interface Mirror {
  /** host:port the node's engine reaches it at. */
  registry: string;
  /** host:port on the host's loopback that images are pushed to. */
  push: string;
}

export function simMirror(env: NodeJS.ProcessEnv = process.env): Mirror | null {
  const registry = env.KOMBIFY_SIM_REGISTRY;
  if (!registry) return null;
  return { registry, push: env.KOMBIFY_SIM_REGISTRY_PUSH ?? '127.0.0.1:5000' };
}

/** The image's path in a Docker Hub mirror: `busybox` → `library/busybox:latest`. */
export function mirrorPath(image: string): string | null {
  let name = image;
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  if (first.includes('.') || first.includes(':') || first === 'localhost') {
    if (first !== 'docker.io' && first !== 'index.docker.io') return null; // another registry
    name = name.slice(slash + 1);
  }
  if (!name.includes('/')) name = `library/${name}`;
  const at = name.indexOf('@');
  if (at === -1 && !name.slice(name.lastIndexOf('/') + 1).includes(':')) name = `${name}:latest`;
  return name;
}

/** The failure for an image the node's engine could not pull, in a node; null outside one. */
export function mirrorMiss(image: string, reason: string, mirror = simMirror()): JobFailure | null {
  if (!mirror) return null;
  const path = mirrorPath(image);
  if (!path) {
    return new JobFailure(
      'image_not_found',
      `image ${image} could not be pulled (${reason}): a simulated node pulls only Docker Hub names, through the host's registry mirror ${mirror.registry}; use the image's Docker Hub name`,
      false,
    );
  }
  return new JobFailure(
    'image_not_found',
    `image ${image} is not in the simulation's registry mirror (${mirror.registry}); add it on the host with \`npm run sim:push -- ${image}\` (or \`docker tag ${image} ${mirror.push}/${path} && docker push ${mirror.push}/${path}\`)`,
    false,
  );
}
