/**
 * A planned Swarm service → the Engine API's ServiceSpec (pure; the shape is Docker's). The spec
 * carries `kombify.spec-hash`, a hash of everything else in it (secret values only as a hash of
 * their hashes), so a converge updates exactly the services whose desired state changed, and
 * `kombify.task-hash` of its task template alone: when that changed, Swarm replaces the tasks and
 * an update status must follow, so the wait does not take the previous update's end for this one's.
 *
 * Without IPVS in the kernel (no /proc/sys/net/ipv4/vs, as on these simulated machines) Swarm's
 * routing mesh and its virtual IPs cannot work: services then resolve by DNS round-robin and
 * publish their ports in host mode (a port answers on each node that runs a task).
 */
import type { SwarmServiceParams } from '@kombify/proto/jobs';
import { dockerHealthcheck, nanos } from '../converge/container-options.ts';
import { LABEL } from '../converge/labels.ts';
import { canonicalJson, sha256 } from '../converge/spec-hash.ts';

export interface Network {
  mesh: boolean;
}

export type ServiceSpec = Record<string, unknown> & {
  Name: string;
  Labels: Record<string, string>;
};

function update(u: SwarmServiceParams['update'], failureAction: string) {
  return {
    Parallelism: u.parallelism,
    Delay: nanos(u.delay_s),
    FailureAction: failureAction,
    Monitor: nanos(u.monitor_s),
    Order: u.order,
    MaxFailureRatio: 0,
  };
}

export function serviceSpec(
  stack: string,
  s: SwarmServiceParams,
  secretValues: Readonly<Record<string, string>>,
  net: Network,
): ServiceSpec {
  const secretEnv = Object.entries(s.secret_env).map(([k, path]) => `${k}=${secretValues[path] ?? ''}`);
  const hc = s.healthcheck;
  const labels = {
    ...s.labels,
    [LABEL.managed]: 'true',
    [LABEL.stack]: stack,
    [LABEL.service]: s.service,
  };
  const spec = {
    Name: s.name,
    Labels: labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: s.image,
        ...(s.entrypoint ? { Command: [...s.entrypoint] } : {}),
        ...(s.command ? { Args: [...s.command] } : {}),
        Env: [...Object.entries(s.env).map(([k, v]) => `${k}=${v}`), ...secretEnv].sort(),
        ...(s.user ? { User: s.user } : {}),
        Labels: {
          ...s.container_labels,
          [LABEL.managed]: 'true',
          [LABEL.stack]: stack,
          [LABEL.service]: s.service,
        },
        Mounts: s.mounts.map((m) => ({
          Type: m.type,
          ...(m.source !== undefined ? { Source: m.source } : {}),
          Target: m.target,
          ReadOnly: m.read_only ?? false,
          // Volumes Swarm creates on a node carry the stack's labels, so a destroy finds them.
          ...(m.type === 'volume'
            ? { VolumeOptions: { Labels: { [LABEL.managed]: 'true', [LABEL.stack]: stack } } }
            : {}),
        })),
        ...(hc ? { Healthcheck: dockerHealthcheck(hc) } : {}),
      },
      ...(s.resources
        ? {
            Resources: {
              Limits: {
                ...(s.resources.nano_cpus ? { NanoCPUs: s.resources.nano_cpus } : {}),
                ...(s.resources.memory_bytes ? { MemoryBytes: s.resources.memory_bytes } : {}),
              },
            },
          }
        : {}),
      RestartPolicy: { Condition: s.restart, Delay: 5e9, MaxAttempts: 0 },
      Placement: { Constraints: [...s.constraints] },
      Networks: s.networks.map((n) => ({ Target: n, Aliases: [s.service, ...s.aliases] })),
      ...(s.logging ? { LogDriver: { Name: s.logging.driver, Options: { ...s.logging.options } } } : {}),
    },
    Mode: s.mode === 'global' ? { Global: {} } : { Replicated: { Replicas: s.replicas ?? 1 } },
    UpdateConfig: update(s.update, s.update.failure_action),
    // A rollback that fails stops where it is instead of rolling back the rollback.
    RollbackConfig: update(s.update, 'pause'),
    EndpointSpec: {
      Mode: net.mesh ? 'vip' : 'dnsrr',
      Ports: s.ports.map((p) => ({
        Protocol: p.protocol,
        TargetPort: p.container,
        PublishedPort: p.host,
        PublishMode: net.mesh ? p.mode : 'host',
      })),
    },
  };
  const secrets = secretEnv.map((e) => sha256(e));
  const hash = sha256(canonicalJson({ ...spec, secrets }));
  const taskHash = sha256(canonicalJson({ task: spec.TaskTemplate, secrets }));
  return { ...spec, Labels: { ...labels, [LABEL.specHash]: hash, [LABEL.taskHash]: taskHash } };
}

/** Whether the node can do Swarm's routing mesh (IPVS). */
export function hasRoutingMesh(exists: (path: string) => boolean): boolean {
  return exists('/proc/sys/net/ipv4/vs');
}
