/**
 * The docker step: log driver, log options and DNS servers merged into /etc/docker/daemon.json.
 * Every other key stays (registry-mirrors, storage-driver, … that the node or KombiSim set). The
 * log options are replaced, not merged: options of another driver would stop dockerd from starting.
 *
 * dockerd is not restarted here: that would stop every container without live-restore. The
 * settings take effect when the daemon restarts, and the step says so.
 */
import { isDeepStrictEqual } from 'node:util';
import type { BootstrapStepParams } from '@kombify/proto/jobs';
import { absent, type Host, StepError, type StepReport } from './host.ts';

export type DockerParams = Extract<BootstrapStepParams, { step: 'docker' }>;

export const daemonJsonPath = '/etc/docker/daemon.json';

type Json = Record<string, unknown>;

/** The desired daemon.json: `current` with our keys set. An empty `dns` leaves `dns` as it is. */
export function mergeDaemonConfig(current: Json, p: DockerParams): Json {
  return {
    ...current,
    'log-driver': p.log_driver,
    'log-opts': { ...p.log_options },
    ...(p.dns.length > 0 ? { dns: [...p.dns] } : {}),
  };
}

function parseDaemonJson(text: string | null): Json {
  if (text === null || text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new StepError(`${daemonJsonPath} is not valid JSON; fix it by hand, kombify does not overwrite it`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new StepError(
      `${daemonJsonPath} is not a JSON object; fix it by hand, kombify does not overwrite it`,
    );
  return value as Json;
}

export async function dockerStep(p: DockerParams, host: Host, dryRun: boolean): Promise<StepReport> {
  const text = host.read(daemonJsonPath);
  const current = parseDaemonJson(text);
  const want = mergeDaemonConfig(current, p);
  // Compared as values, not text: a file already holding these settings in its own layout stays as it is.
  const changed = !isDeepStrictEqual(current, want);
  const wantText = `${JSON.stringify(want, null, 2)}\n`;
  if (changed && !dryRun) host.write(daemonJsonPath, wantText);
  const before = text ?? absent;
  return {
    step: 'docker',
    changed,
    before,
    after: changed ? wantText : before,
    ...(changed ? { detail: 'takes effect when the Docker daemon restarts' } : {}),
  };
}
