/**
 * Health of a started container. A service with a health check is waited for (until healthy,
 * unhealthy, stopped, or a bound from its own check settings) before the services after it start,
 * so dependencies listed first are up first. The result reports the health either way; converge
 * does not fail on an unhealthy service — stack.verify is the judge.
 */
import type { ConvergeService } from '@kombify/proto/jobs';
import type Docker from 'dockerode';

export type Health = 'healthy' | 'unhealthy' | 'starting' | 'none';

export function healthOf(info: Docker.ContainerInspectInfo): Health {
  const status = info.State.Health?.Status;
  if (status === 'healthy' || status === 'unhealthy' || status === 'starting') return status;
  return 'none';
}

/** Docker's defaults (30 s interval and timeout, 3 retries), capped at 120 s. */
export function healthWaitMs(check: NonNullable<ConvergeService['healthcheck']>): number {
  const interval = check.interval_s ?? 30;
  const timeout = check.timeout_s ?? 30;
  const retries = check.retries ?? 3;
  const seconds = (check.start_period_s ?? 0) + (retries + 1) * (interval + timeout) + 5;
  return Math.min(seconds, 120) * 1000;
}

export async function waitForHealth(
  docker: Docker,
  id: string,
  waitMs: number,
  signal: AbortSignal,
): Promise<Docker.ContainerInspectInfo> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const info = await docker.getContainer(id).inspect();
    const health = healthOf(info);
    if (health !== 'starting' || !info.State.Running || Date.now() >= deadline || signal.aborted) return info;
    await new Promise((r) => setTimeout(r, 250));
  }
}
