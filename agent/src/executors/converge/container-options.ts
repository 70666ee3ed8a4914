/** A desired service → the Docker Engine create options (pure; the API shape is Docker's). */
import type { ConvergeService } from '@kombify/proto/jobs';
import type Docker from 'dockerode';
import { LABEL, stackLabels } from './labels.ts';

export const nanos = (seconds: number | undefined) =>
  seconds === undefined ? undefined : Math.round(seconds * 1e9);

/** Published ports in Docker's create-options form: `ExposedPorts` and `HostConfig.PortBindings`. */
export function portOptions(
  ports: readonly { container: number; host: number; protocol: string; host_ip?: string | undefined }[],
): { exposed: Record<string, object>; bindings: Record<string, { HostIp: string; HostPort: string }[]> } {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of ports) {
    const key = `${p.container}/${p.protocol}`;
    exposed[key] = {};
    bindings[key] = [...(bindings[key] ?? []), { HostIp: p.host_ip ?? '', HostPort: String(p.host) }];
  }
  return { exposed, bindings };
}

/** Docker wants `CMD`/`CMD-SHELL`/`NONE` first; a bare command is run as `CMD`. */
export function healthTest(test: readonly string[]): string[] {
  const first = test[0];
  return first === 'CMD' || first === 'CMD-SHELL' || first === 'NONE' ? [...test] : ['CMD', ...test];
}

/** A health check in the Engine API's form (containers and Swarm services alike). */
export function dockerHealthcheck(hc: NonNullable<ConvergeService['healthcheck']>) {
  return {
    Test: healthTest(hc.test),
    Interval: nanos(hc.interval_s),
    Timeout: nanos(hc.timeout_s),
    Retries: hc.retries,
    StartPeriod: nanos(hc.start_period_s),
  };
}

/** What the agent adds at create time that is not in the job's params: secret values and file binds. */
export interface Materialized {
  /** `NAME=value` of the service's secret_env, fetched for this job (never logged). */
  secretEnv: string[];
  /** `host:container:ro` binds of the files placed for the service (converge/files.ts). */
  fileBinds: string[];
}

/** The names a container answers to on its networks: its service, then the spec's aliases. */
export function networkAliases(service: ConvergeService): string[] {
  return [service.service, ...(service.aliases ?? [])];
}

export function containerOptions(
  stack: string,
  node: string,
  service: ConvergeService,
  spec: { hash: string; parts: string },
  placed: Materialized = { secretEnv: [], fileBinds: [] },
): Docker.ContainerCreateOptions {
  const { exposed, bindings } = portOptions(service.ports ?? []);
  const [firstNetwork] = service.networks ?? [];
  const mounts = service.mounts ?? [];
  const hc = service.healthcheck;
  return {
    name: service.name,
    Image: service.image,
    ...(service.command ? { Cmd: service.command } : {}),
    ...(service.entrypoint ? { Entrypoint: service.entrypoint } : {}),
    ...(service.user ? { User: service.user } : {}),
    Env: [...Object.entries(service.env ?? {}).map(([k, v]) => `${k}=${v}`), ...placed.secretEnv],
    Labels: {
      ...(service.labels ?? {}),
      ...stackLabels(stack, node),
      [LABEL.service]: service.service,
      [LABEL.specHash]: spec.hash,
      [LABEL.specParts]: spec.parts,
    },
    ExposedPorts: exposed,
    ...(hc ? { Healthcheck: dockerHealthcheck(hc) } : {}),
    HostConfig: {
      PortBindings: bindings,
      RestartPolicy: { Name: service.restart, MaximumRetryCount: 0 },
      // Bind mounts as `Binds`, so Docker creates a missing host directory (as `docker run -v` and
      // Compose do); `Mounts` would refuse it, and a kit's host paths (e.g. /opt/stacks) may not exist yet.
      Binds: [
        ...mounts
          .filter((m) => m.type === 'bind')
          .map((m) => `${m.source}:${m.target}${m.read_only ? ':ro' : ''}`),
        ...placed.fileBinds,
      ],
      Mounts: mounts
        .filter((m) => m.type !== 'bind')
        .map((m) => ({
          Type: m.type,
          Target: m.target,
          Source: m.source ?? '', // tmpfs has none
          ReadOnly: m.read_only ?? false,
        })),
      ...(firstNetwork ? { NetworkMode: firstNetwork } : {}),
      ...(service.resources?.nano_cpus ? { NanoCpus: service.resources.nano_cpus } : {}),
      ...(service.resources?.memory_bytes ? { Memory: service.resources.memory_bytes } : {}),
      ...(service.logging
        ? { LogConfig: { Type: service.logging.driver, Config: { ...service.logging.options } } }
        : {}),
    },
    // Docker ≤ 20.10 takes one network at create; the others are connected before start.
    ...(firstNetwork
      ? { NetworkingConfig: { EndpointsConfig: { [firstNetwork]: { Aliases: networkAliases(service) } } } }
      : {}),
  };
}
