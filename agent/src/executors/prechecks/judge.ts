/**
 * node.prechecks as a pure judgement of what was probed, so each rule is unit-tested. A
 * `failed` + `blocking` check stops a deploy (the workflow decides); RAM below the minimum is only
 * a warning because memory use moves and a stack's limits are not reservations.
 */
import type { NodePrechecksParams, NodePrechecksResult } from '@kombify/proto/jobs';

type Check = NodePrechecksResult['checks'][number];

export const DEFAULT_MIN_DOCKER_VERSION = '20.10';
/** Below this much free disk a deploy without an explicit minimum gets a warning. */
export const LOW_DISK_MB = 1024;

export interface PortProbe {
  port: number;
  /** free: nothing listens; busy: a process or container holds it; unknown: could not test. */
  status: 'free' | 'busy' | 'unknown';
  /** The container publishing the port, when one does. */
  container?: { name: string; ownStack: boolean };
  detail?: string;
}

export interface Probes {
  docker: { version: string } | { error: string };
  disk: { path: string; freeMb: number } | { error: string };
  ramAvailableMb: number;
  ports: PortProbe[];
  /** Whether the node is in a swarm, and whether it is this stack's (swarm/membership.ts). */
  swarm?:
    | { kind: 'none' }
    | { kind: 'ours'; role: string }
    | { kind: 'other'; detail: string }
    | { error: string };
}

/** Compares dotted versions numerically ("20.10.24+dfsg1" ≥ "20.10"). */
export function versionAtLeast(version: string, minimum: string): boolean {
  const nums = (v: string) => (v.match(/^\d+(\.\d+)*/)?.[0] ?? '0').split('.').map(Number);
  const a = nums(version);
  const b = nums(minimum);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

function dockerCheck(params: NodePrechecksParams, probes: Probes): Check {
  const minimum = params.min_docker_version ?? DEFAULT_MIN_DOCKER_VERSION;
  if ('error' in probes.docker) {
    return {
      name: 'docker_version',
      status: 'failed',
      blocking: true,
      message: `Docker is not reachable: ${probes.docker.error}`,
    };
  }
  const { version } = probes.docker;
  return versionAtLeast(version, minimum)
    ? {
        name: 'docker_version',
        status: 'passed',
        blocking: false,
        message: `Docker ${version} (≥ ${minimum})`,
      }
    : {
        name: 'docker_version',
        status: 'failed',
        blocking: true,
        message: `Docker ${version} is older than ${minimum}`,
      };
}

function diskCheck(params: NodePrechecksParams, probes: Probes): Check {
  if ('error' in probes.disk) {
    return {
      name: 'disk_space',
      status: 'warning',
      blocking: false,
      message: `free disk space unknown: ${probes.disk.error}`,
    };
  }
  const { freeMb, path } = probes.disk;
  const free = `${freeMb} MB free on ${path}`;
  if (params.min_disk_mb !== undefined) {
    return freeMb >= params.min_disk_mb
      ? {
          name: 'disk_space',
          status: 'passed',
          blocking: false,
          message: `${free} (≥ ${params.min_disk_mb} MB)`,
        }
      : {
          name: 'disk_space',
          status: 'failed',
          blocking: true,
          message: `${free}; needs ${params.min_disk_mb} MB`,
        };
  }
  return freeMb >= LOW_DISK_MB
    ? { name: 'disk_space', status: 'passed', blocking: false, message: free }
    : { name: 'disk_space', status: 'warning', blocking: false, message: `${free}; that is low` };
}

function ramCheck(params: NodePrechecksParams, probes: Probes): Check {
  const available = `${probes.ramAvailableMb} MB of memory available`;
  if (params.min_ram_mb === undefined || probes.ramAvailableMb >= params.min_ram_mb) {
    return { name: 'ram_available', status: 'passed', blocking: false, message: available };
  }
  return {
    name: 'ram_available',
    status: 'warning',
    blocking: false,
    message: `${available}; the stack wants ${params.min_ram_mb} MB`,
  };
}

function portCheck(probe: PortProbe): Check {
  const name = 'port_available' as const;
  if (probe.container?.ownStack) {
    return {
      name,
      status: 'passed',
      blocking: false,
      message: `port ${probe.port} is held by this stack's container ${probe.container.name}`,
    };
  }
  if (probe.container) {
    return {
      name,
      status: 'failed',
      blocking: true,
      message: `port ${probe.port} is published by container ${probe.container.name}`,
    };
  }
  if (probe.status === 'busy') {
    return {
      name,
      status: 'failed',
      blocking: true,
      message: `port ${probe.port} is in use by another process${probe.detail ? ` (${probe.detail})` : ''}`,
    };
  }
  if (probe.status === 'unknown') {
    return {
      name,
      status: 'warning',
      blocking: false,
      message: `port ${probe.port} could not be tested${probe.detail ? `: ${probe.detail}` : ''}`,
    };
  }
  return { name, status: 'passed', blocking: false, message: `port ${probe.port} is free` };
}

export function judgePrechecks(params: NodePrechecksParams, probes: Probes): NodePrechecksResult {
  const ports = params.ports ?? [];
  return {
    checks: [
      dockerCheck(params, probes),
      diskCheck(params, probes),
      ramCheck(params, probes),
      ...(ports.length === 0
        ? [
            {
              name: 'port_available' as const,
              status: 'skipped' as const,
              blocking: false,
              message: 'no ports to check',
            },
          ]
        : probes.ports.map(portCheck)),
      ...(params.swarm_role ? [swarmCheck(params.swarm_role, probes.swarm)] : []),
    ],
  };
}

function swarmCheck(role: string, probe: Probes['swarm']): Check {
  const name = 'swarm_membership' as const;
  if (!probe || 'error' in probe)
    return {
      name,
      status: 'failed',
      blocking: true,
      message: `could not read the node's swarm state: ${probe && 'error' in probe ? probe.error : 'not probed'}`,
    };
  if (probe.kind === 'other')
    return {
      name,
      status: 'failed',
      blocking: true,
      message: `the node is already in ${probe.detail}, not this stack's; it would join as a ${role}: leave that swarm on the node (docker swarm leave) or bind another node`,
    };
  return {
    name,
    status: 'passed',
    blocking: false,
    message:
      probe.kind === 'ours'
        ? `already in this stack's swarm as a ${probe.role}`
        : `not in a swarm; joins as a ${role}`,
  };
}
