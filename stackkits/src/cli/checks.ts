/**
 * The target checks of `stackkit prepare`, named and graded like the agent's pre-checks
 * (CONTRACTS.md: `docker_version`, `disk_space`, `ram_available`, `port_available`, each
 * passed|failed|warning|skipped with a message). A failed check blocks a deploy; warnings do not.
 *
 * "This machine" is where tofu runs: a node without ssh deploys to its Docker (the plan's
 * dockerHost is the local socket), as does a node whose ssh host is one of this machine's
 * addresses. Other nodes are reached over SSH and checked for reachability only.
 */
import { createSocket } from 'node:dgram';
import { existsSync, statfsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { availableParallelism, networkInterfaces, totalmem } from 'node:os';
import type { Plan, PlanNode } from '../index.ts';
import { parseSize } from '../spec/formats.ts';
import type { Check } from './check.ts';
import { checkDocker } from './docker-probe.ts';
import { findTool, isOlderThan, which } from './tofu.ts';

export type { Check, CheckStatus } from './check.ts';

/** Minimum tool version: the generated configuration's `required_version`. */
export const minToolVersion = '1.6.0';

const localHosts = new Set(['localhost', '127.0.0.1', '::1']);

/** Whether a plan node is this machine. */
export function isThisMachine(node: PlanNode, addresses: ReadonlySet<string> = localAddresses()): boolean {
  if (!node.ssh) return true;
  return localHosts.has(node.ssh.host) || addresses.has(node.ssh.host);
}

export function localAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.add(a.address);
  return out;
}

export interface HostPort {
  port: number;
  protocol: 'tcp' | 'udp';
  service: string;
  node: string;
}

/** Host ports the plan publishes on the given nodes (containers, and Swarm services on members). */
export function hostPorts(plan: Plan, nodes: readonly PlanNode[]): HostPort[] {
  const out = new Map<string, HostPort>();
  const add = (p: HostPort) => {
    const key = `${p.port}/${p.protocol}`;
    if (!out.has(key)) out.set(key, p);
  };
  for (const node of nodes) {
    for (const c of node.containers) {
      for (const p of c.ports) {
        if (p.host !== null) add({ port: p.host, protocol: p.protocol, service: c.service, node: node.name });
      }
    }
    if (plan.swarm && node.swarmRole) {
      for (const s of plan.swarm.services) {
        for (const p of s.ports) {
          if (p.host !== null)
            add({ port: p.host, protocol: p.protocol, service: s.service, node: node.name });
        }
      }
      for (const p of plan.swarm.ingressPorts) {
        add({ port: p.port, protocol: p.protocol, service: p.reason, node: node.name });
      }
    }
  }
  return [...out.values()].sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
}

// ---------------------------------------------------------------------------------------------
// OpenTofu / Terraform

export async function checkTool(env: Record<string, string | undefined>): Promise<Check> {
  const tool = await findTool(env);
  if (!tool) {
    return {
      name: 'tofu_version',
      status: 'failed',
      message:
        'neither tofu nor terraform is on PATH (install OpenTofu: https://opentofu.org/docs/intro/install/)',
      blocking: true,
    };
  }
  if (!tool.version) {
    return {
      name: 'tofu_version',
      status: 'warning',
      message: `${tool.name} at ${tool.path} did not report its version`,
      blocking: true,
    };
  }
  const old = isOlderThan(tool.version, minToolVersion);
  return {
    name: 'tofu_version',
    status: old ? 'failed' : 'passed',
    message: `${tool.name} ${tool.version} at ${tool.path}${old ? `; the generated files need >= ${minToolVersion}` : ''}`,
    blocking: true,
  };
}

// ---------------------------------------------------------------------------------------------
// Ports

/** Tries to bind the port on all IPv4 addresses for a moment. */
export function tryBind(
  port: number,
  protocol: 'tcp' | 'udp',
): Promise<'free' | 'in_use' | 'no_permission' | string> {
  return new Promise((resolve) => {
    const outcome = (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE'
        ? 'in_use'
        : error.code === 'EACCES'
          ? 'no_permission'
          : (error.code ?? error.message);
    if (protocol === 'udp') {
      const socket = createSocket('udp4');
      socket.once('error', (error) => {
        socket.close();
        resolve(outcome(error));
      });
      socket.bind(port, '0.0.0.0', () => socket.close(() => resolve('free')));
      return;
    }
    const server = createServer();
    server.once('error', (error) => resolve(outcome(error)));
    // Binding 0.0.0.0 also fails when only 127.0.0.1 (or another address) has the port.
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve('free')));
  });
}

export async function checkPort(p: HostPort, ownPorts: ReadonlyMap<string, string>): Promise<Check> {
  const target = `${p.port}/${p.protocol}`;
  const what = `${target} (${p.service} on ${p.node})`;
  const result = await tryBind(p.port, p.protocol);
  const own = ownPorts.get(target);
  if (result === 'free')
    return { name: 'port_available', target, status: 'passed', message: `${what}: free`, blocking: true };
  if (result === 'in_use' && own) {
    return {
      name: 'port_available',
      target,
      status: 'passed',
      message: `${what}: held by this stack's own container ${own}`,
      blocking: true,
    };
  }
  if (result === 'in_use') {
    return {
      name: 'port_available',
      target,
      status: 'failed',
      message: `${what}: already in use on this machine`,
      blocking: true,
    };
  }
  if (result === 'no_permission') {
    return {
      name: 'port_available',
      target,
      status: 'warning',
      message: `${what}: not checked, binding it needs privileges here (Docker binds it as root)`,
      blocking: true,
    };
  }
  return {
    name: 'port_available',
    target,
    status: 'warning',
    message: `${what}: could not check (${result})`,
    blocking: true,
  };
}

// ---------------------------------------------------------------------------------------------
// SSH

export function tcpReachable(host: string, port: number, timeoutMs = 3000): Promise<true | string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (value: true | string) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs / 1000}s`));
    socket.once('connect', () => done(true));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
  });
}

export async function checkSsh(node: PlanNode, env: Record<string, string | undefined>): Promise<Check> {
  const ssh = node.ssh!;
  const target = node.name;
  const where = `${ssh.user}@${ssh.host}:${ssh.port}`;
  if (!which('ssh', env)) {
    return {
      name: 'ssh_reachable',
      target,
      status: 'failed',
      message: `${where}: no ssh client on PATH (the docker provider reaches ${node.dockerHost} through it)`,
      blocking: true,
    };
  }
  const result = await tcpReachable(ssh.host, ssh.port);
  return result === true
    ? { name: 'ssh_reachable', target, status: 'passed', message: `${where}: answers`, blocking: true }
    : { name: 'ssh_reachable', target, status: 'failed', message: `${where}: ${result}`, blocking: true };
}

// ---------------------------------------------------------------------------------------------
// Resources (warnings: the node's declared size against this machine)

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)}Gi`;

export function checkResources(node: PlanNode): Check[] {
  const checks: Check[] = [];
  const wantDisk = parseSize(node.resources.disk) ?? 0;
  const root = existsSync('/var/lib/docker') ? '/var/lib/docker' : '/';
  try {
    const fs = statfsSync(root);
    const free = fs.bavail * fs.bsize;
    checks.push({
      name: 'disk_space',
      target: node.name,
      status: free >= wantDisk ? 'passed' : 'warning',
      message: `${gib(free)} free at ${root}; ${node.name} declares ${node.resources.disk}`,
      blocking: false,
    });
  } catch (error) {
    checks.push({
      name: 'disk_space',
      target: node.name,
      status: 'skipped',
      message: (error as Error).message,
      blocking: false,
    });
  }
  const wantMem = parseSize(node.resources.memory) ?? 0;
  const mem = totalmem();
  checks.push({
    name: 'ram_available',
    target: node.name,
    status: mem >= wantMem ? 'passed' : 'warning',
    message: `${gib(mem)} memory here; ${node.name} declares ${node.resources.memory}`,
    blocking: false,
  });
  const cpus = availableParallelism();
  checks.push({
    name: 'cpu_count',
    target: node.name,
    status: cpus >= node.resources.cpu ? 'passed' : 'warning',
    message: `${cpus} CPU(s) here; ${node.name} declares ${node.resources.cpu}`,
    blocking: false,
  });
  return checks;
}

/** Every check for a plan, in a fixed order. */
export async function runChecks(plan: Plan, env: Record<string, string | undefined>): Promise<Check[]> {
  const addresses = localAddresses();
  const local = plan.nodes.filter((n) => isThisMachine(n, addresses));
  const remote = plan.nodes.filter((n) => !isThisMachine(n, addresses));
  const [docker, tool, ssh] = await Promise.all([
    checkDocker(env, plan.stack.name, local.length > 0),
    checkTool(env),
    Promise.all(remote.map((n) => checkSsh(n, env))),
  ]);
  // Ports one after another: binding many at once could trip over each other's ephemeral use.
  const ports: Check[] = [];
  for (const p of hostPorts(plan, local)) ports.push(await checkPort(p, docker.ownPorts));
  return [docker.check, tool, ...ssh, ...ports, ...local.flatMap((n) => checkResources(n))];
}
