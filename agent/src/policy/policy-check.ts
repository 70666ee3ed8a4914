/**
 * Whether this node's policy lets a job run (issue 20, H2), decided before anything of the job is
 * executed. A refusal names what the policy forbade and the field of the file that would allow it,
 * so the owner (the only one who can change it) knows what to edit, and an operator knows whom to ask.
 */
import { realpathSync } from 'node:fs';
import { posix } from 'node:path';
import { type JobOrigin, parseJobParams, type StackConvergeParams } from '@kombify/proto/jobs';
import type { LoadedPolicy, Policy } from './policy.ts';
import { tofuJobTypes } from './policy.ts';

export interface PolicyJob {
  type: string;
  /** As the edge sent it; empty from an edge that predates origins (treated as raw). */
  origin: string;
  params: unknown;
}

export interface PolicyPlaces {
  /** Where stack.converge keeps each stack's own files (`<stacks dir>/<stack>`). */
  stacksDir: string;
  /** DOCKER_HOST, whose unix socket counts as the Docker socket too. */
  dockerHost?: string;
}

const workflowOrigins: readonly JobOrigin[] = ['stack', 'simulation', 'edge'];

/**
 * A host path as Docker would bind it: `..` resolved, and symbolic links followed as far as the
 * path exists (a link in the stack's directory to `/` must not pass as the stack's directory).
 */
export function resolveHostPath(path: string): string {
  const absolute = posix.resolve('/', path);
  const rest: string[] = [];
  let head = absolute;
  for (;;) {
    try {
      return posix.join(realpathSync(head), ...rest);
    } catch {
      if (head === '/') return absolute;
      rest.unshift(posix.basename(head));
      head = posix.dirname(head);
    }
  }
}

const within = (path: string, dir: string) => dir === '/' || path === dir || path.startsWith(`${dir}/`);

function dockerSockets(places: PolicyPlaces): string[] {
  const paths = ['/var/run/docker.sock', '/run/docker.sock'];
  if (places.dockerHost?.startsWith('unix://')) paths.push(places.dockerHost.slice('unix://'.length));
  return [...new Set(paths.map(resolveHostPath))];
}

/** `ghcr.io/org/app:1.2@sha256:…` → `ghcr.io/org/app`; Docker Hub's implied prefixes dropped. */
export function imageRepository(image: string): string {
  let repo = image.split('@')[0] ?? image;
  const slash = repo.lastIndexOf('/');
  const colon = repo.lastIndexOf(':');
  if (colon > slash) repo = repo.slice(0, colon);
  return repo.replace(/^(docker\.io|index\.docker\.io)\//, '').replace(/^library\//, '');
}

function socketAllowed(policy: Policy, service: string, image: string): boolean {
  return policy.bind_mounts.docker_socket.some(
    (e) =>
      (e.service === '*' || e.service === service) &&
      (e.image === undefined || imageRepository(e.image) === imageRepository(image)),
  );
}

/** What the bind check reads of a stack.converge or swarm.services job. */
type MountingJob = {
  stack: string;
  services: Pick<StackConvergeParams['services'][number], 'service' | 'image' | 'mounts'>[];
};

function bindDenial(params: MountingJob, policy: Policy, file: string, places: PolicyPlaces): string | null {
  const stackDir = resolveHostPath(posix.join(places.stacksDir, params.stack));
  const prefixes = policy.bind_mounts.allowed_prefixes.map(resolveHostPath);
  const sockets = dockerSockets(places);
  for (const s of params.services) {
    for (const m of s.mounts ?? []) {
      if (m.type !== 'bind' || m.source === undefined) continue;
      const source = resolveHostPath(m.source);
      const shown = source === m.source ? m.source : `${m.source} (${source})`;
      // The socket itself, or a directory it is in: either hands the container all of Docker.
      const socket = sockets.some((sock) => sock === source || within(sock, source));
      if (socket && !socketAllowed(policy, s.service, s.image)) {
        return `service ${s.service} (${s.image}) may not bind-mount ${shown}: it gives the container the Docker socket, which is root on this node; allow it for this service in bind_mounts.docker_socket of ${file} (e.g. {"service": "${s.service}", "image": "${imageRepository(s.image)}"})`;
      }
      if (sockets.includes(source)) continue;
      if (within(source, stackDir) || prefixes.some((p) => within(source, p))) continue;
      return `service ${s.service} may not bind-mount ${shown}: only the stack's own directory (${stackDir}) and bind_mounts.allowed_prefixes of ${file} may be mounted; add the path (or a directory above it) there to allow it`;
    }
  }
  return null;
}

/** Why the policy refuses the job, or null when it may run. */
export function policyDenial(loaded: LoadedPolicy, job: PolicyJob, places: PolicyPlaces): string | null {
  if (!loaded.ok) return `this node's policy is not valid, so it runs no jobs: ${loaded.error}`;
  const { policy, path } = loaded;
  const raw = !workflowOrigins.includes(job.origin as JobOrigin);
  if (raw && !policy.raw_jobs) {
    const how =
      job.origin === 'api'
        ? "was sent to POST /v1/orchestrator/jobs, not by a stack's workflow"
        : 'names no origin (its edge predates job origins), so it counts as raw';
    return `raw jobs are off on this node: this ${job.type} job ${how}; the node's owner can allow raw jobs with "raw_jobs": true in ${path}`;
  }
  if ((tofuJobTypes as readonly string[]).includes(job.type)) {
    if (!policy.opentofu)
      return `OpenTofu is off on this node (${job.type}); the node's owner can allow it with "opentofu": true in ${path}`;
  } else if (!(policy.job_types as string[]).includes(job.type)) {
    return `${job.type} jobs are not allowed on this node; the node's owner can add "${job.type}" to job_types in ${path}`;
  }
  if (job.type === 'stack.converge' || job.type === 'swarm.services') {
    // Params the schema refuses are the executor's to report (invalid_params): nothing to judge.
    // A swarm's services are judged by the leader's policy, which applies them for every node.
    const parsed = parseJobParams(job.type, job.params);
    if (parsed.ok) return bindDenial(parsed.value as MountingJob, policy, path, places);
  }
  return null;
}
