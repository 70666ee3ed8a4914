/** The Docker engine client. DOCKER_HOST is honoured the way the docker CLI honours it. */
import Docker from 'dockerode';
import { JobFailure } from './executors/job-error.ts';

export function dockerClient(): Docker {
  const host = process.env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return new Docker({ socketPath: host.slice('unix://'.length) });
  if (host?.startsWith('tcp://')) {
    const url = new URL(host.replace('tcp://', 'http://'));
    return new Docker({ host: url.hostname, port: Number(url.port || 2375) });
  }
  return new Docker({ socketPath: '/var/run/docker.sock' });
}

/** dockerode errors carry the engine's HTTP status code. */
export function dockerStatus(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'statusCode' in error
    ? (error as { statusCode?: number }).statusCode
    : undefined;
}

export function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES' || code === 'ECONNRESET';
}

/**
 * Maps an error from a Docker call to the job's failure: an unreachable engine is retryable, a
 * JobFailure passes through, anything else is rethrown as it is.
 */
export function asJobFailure(error: unknown): never {
  if (error instanceof JobFailure) throw error;
  if (isUnreachable(error)) {
    throw new JobFailure(
      'docker_unavailable',
      `the Docker engine is not reachable: ${(error as Error).message}`,
      true,
    );
  }
  throw error;
}
