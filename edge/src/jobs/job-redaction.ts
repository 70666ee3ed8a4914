/**
 * What a job view shows of a job's params (issue 20, M4): per job type, an allow-list of the
 * fields that are safe to show — names, images, ports, sizes. Everything else (environment
 * values, passwords, enrollment tokens, OpenTofu files, variables and state credentials,
 * commands, labels) reads "[redacted]": the agent gets the params as sent, nobody else sees them.
 * A type without a list shows no field at all, so a new job type is redacted until it says otherwise.
 */
import type { JsonFields } from './job-view.ts';

export const REDACTED = '[redacted]';

const simRef = ['simulation_id', 'node_id', 'container', 'network'];

/** Dotted paths of safe fields per job type; `a[].b` is field b of every element of array a. */
const safeFields: Record<string, readonly string[]> = {
  'node.facts': [],
  'docker.run': ['image', 'name', 'ports'],
  'docker.remove': ['name'],
  'docker.containers': [],
  'docker.logs': ['name', 'tail', 'since', 'follow', 'max_seconds'],
  'docker.container.action': ['name', 'action'],
  'agent.upgrade': ['version'],
  'stack.converge': [
    'stack',
    'node',
    'networks',
    'volumes',
    'pull',
    'remove_orphans',
    'dry_run',
    'services[].service',
    'services[].name',
    'services[].image',
    'services[].ports',
    'services[].restart',
    'services[].networks',
    'services[].aliases',
    'services[].resources',
    'services[].logging',
    // Secret references (paths, never values) and where files go (their content may hold credentials).
    'secrets',
    'services[].secret_env',
    'services[].secret_rev',
    'services[].files[].path',
    'services[].files[].secret',
  ],
  'stack.remove': ['stack', 'node', 'volumes'],
  // Time zone, update, sshd and firewall settings: configuration, no credentials.
  'node.bootstrap': ['steps', 'dry_run', 'ssh_keep_port'],
  'stack.verify': ['checks[].service', 'checks[].kind', 'checks[].port', 'checks[].path'],
  'node.prechecks': ['ports', 'min_disk_mb', 'min_ram_mb', 'min_docker_version', 'stack'],
  'tofu.plan': ['stack', 'workspace', 'destroy', 'lock_timeout_s'],
  'tofu.apply': ['stack', 'workspace', 'plan_sha256', 'lock_timeout_s'],
  'sim.node.create': [
    ...simRef,
    'image',
    'hostname',
    'ssh_port',
    'ssh_bind',
    'cpu',
    'memory_mb',
    'latency_ms',
    'loss_percent',
    'start',
    'agent.edge_url',
    'agent.worker_name',
  ],
  'sim.node.start': simRef,
  'sim.node.stop': simRef,
  'sim.node.delete': simRef,
  'sim.node.logs': [...simRef, 'tail'],
  // Swarm jobs: names, roles, addresses, counts and secret paths; never env values or commands.
  'swarm.init': ['stack', 'advertise_address'],
  'swarm.join': ['stack', 'role', 'leader_address', 'advertise_address', 'secrets'],
  'swarm.services': [
    'stack',
    'members',
    'leaving',
    'networks',
    'secrets',
    'prune',
    'timeout_s',
    'services[].service',
    'services[].name',
    'services[].image',
    'services[].mode',
    'services[].replicas',
    'services[].constraints',
    'services[].ports',
    'services[].networks',
    'services[].restart',
    'services[].update',
    'services[].secret_env',
  ],
  'swarm.verify': ['stack', 'managers', 'workers', 'services', 'timeout_s'],
  'swarm.remove': ['stack'],
  'swarm.leave': ['stack'],
  'swarm.forget': ['stack', 'nodes', 'timeout_s'],
  'swarm.status': ['stack'],
};

type Tree = { [key: string]: Tree | true };

function treeOf(paths: readonly string[]): Tree {
  const tree: Tree = {};
  for (const path of paths) {
    let node = tree;
    const parts = path.split('.');
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = true;
      else {
        const next = node[part];
        if (next && next !== true) node = next;
        else {
          const child: Tree = {};
          node[part] = child;
          node = child;
        }
      }
    });
  }
  return tree;
}

const trees = new Map(Object.entries(safeFields).map(([type, paths]) => [type, treeOf(paths)]));

function redactObject(value: Record<string, unknown>, tree: Tree): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const whole = tree[key];
    const each = tree[`${key}[]`];
    if (whole === true) out[key] = inner;
    else if (each && each !== true && Array.isArray(inner))
      out[key] = inner.map((item) =>
        item && typeof item === 'object' ? redactObject(item as Record<string, unknown>, each) : REDACTED,
      );
    else if (whole && inner && typeof inner === 'object' && !Array.isArray(inner))
      out[key] = redactObject(inner as Record<string, unknown>, whole);
    else out[key] = REDACTED;
  }
  return out;
}

/** The params as a job view may show them. */
export function redactParams(type: string, params: JsonFields): JsonFields {
  return redactObject(params, trees.get(type) ?? {}) as JsonFields;
}
