/**
 * Layer 1, the base every kit stands on: node bootstrap (time zone, updates, SSH hardening,
 * firewall, Docker daemon settings, VPN, backups) and the rules every kit shares. Bootstrap steps are
 * structured data, not shell: the agent decides how to apply each on the node's OS.
 */
import type { NodeSpec, Spec } from '../src/spec/defaults.ts';
import { type PendingError, pending } from '../src/spec/errors.ts';
import { formatSize, GiB, parseSize } from '../src/spec/formats.ts';
import type { OsName, Protocol } from '../src/spec/vocabulary.ts';
import type { BootstrapStep } from '../src/unifier/plan.ts';

export { baseDefaults, resourceDefaults, sshUserByProvider } from './defaults.ts';

export interface FirewallRule {
  port: number;
  protocol: Protocol;
  reason: string;
}

export interface BootstrapInput {
  node: NodeSpec;
  spec: Spec;
  /** Ports the node must accept besides SSH (published container ports, Swarm, VPN). */
  allow: FirewallRule[];
  /** The node is in a Swarm and must also accept its routing-mesh (ingress) ports. */
  openSwarmIngress: boolean;
  vpn: { provider: 'headscale' | 'tailscale' | 'wireguard'; loginServer: string | null } | null;
  swarm: {
    role: 'manager' | 'worker';
    action: 'init' | 'join';
    leader: string;
    advertiseAddress: string;
  } | null;
  /** Docker volumes on this node that the nightly backup covers. */
  backupVolumes: string[];
}

/** The secret the agent reads to join a node to the VPN; never stored in the plan. */
export const vpnAuthKeySecret = 'secret://kombify/vpn-auth-key';

export function bootstrapSteps(input: BootstrapInput): BootstrapStep[] {
  const { node, spec } = input;
  const sshPort = node.ssh?.port ?? 22;
  const steps: BootstrapStep[] = [
    { step: 'timezone', timezone: spec.system.timezone },
    { step: 'packages', autoUpdates: spec.security.autoUpdates },
    {
      step: 'ssh-hardening',
      port: sshPort,
      passwordAuthentication: spec.security.ssh.passwordAuthentication,
      permitRootLogin: spec.security.ssh.permitRootLogin,
    },
    {
      step: 'firewall',
      enabled: spec.security.firewall.enabled,
      defaultIncoming: 'deny',
      allow: firewallRules([
        { port: sshPort, protocol: 'tcp', reason: 'ssh' },
        ...input.allow,
        ...spec.security.firewall.allow.map((r) => ({ ...r, reason: 'security.firewall.allow' })),
      ]),
      openSwarmIngress: input.openSwarmIngress,
    },
    {
      step: 'docker',
      dns: [...spec.network.dns.servers],
      logDriver: 'json-file',
      logOptions: {
        'max-file': String(spec.observability.logs.maxFiles),
        'max-size': spec.observability.logs.maxSize,
      },
    },
  ];
  if (input.vpn) {
    steps.push({ step: 'vpn', ...input.vpn, authKey: vpnAuthKeySecret });
  }
  if (input.swarm) {
    // Sorted, so the plan does not depend on the order labels were written in.
    const labels = Object.entries({ ...node.labels, 'kombify.node': node.name }).sort(([a], [b]) =>
      a < b ? -1 : 1,
    );
    steps.push({ step: 'swarm', ...input.swarm, labels: Object.fromEntries(labels) });
  }
  if (spec.observability.backup.enabled && input.backupVolumes.length > 0) {
    steps.push({
      step: 'backup',
      schedule: spec.observability.backup.schedule,
      retentionDays: spec.observability.backup.retentionDays,
      volumes: input.backupVolumes,
    });
  }
  return steps;
}

/** One rule per port and protocol (first reason wins), ordered by port then protocol. */
export function firewallRules(rules: FirewallRule[]): FirewallRule[] {
  const seen = new Map<string, FirewallRule>();
  for (const rule of rules) {
    const key = `${rule.port}/${rule.protocol}`;
    if (!seen.has(key)) seen.set(key, rule);
  }
  return [...seen.values()].sort((a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : 1));
}

/** Every kit places its core on a main node. */
export function requireMainNode(spec: Spec): PendingError | null {
  if (spec.nodes.some((n) => n.type === 'main')) return null;
  return pending(['nodes'], 'kit_constraint', `${spec.kit} needs at least one node of type main`);
}

/** The kit's OS list: one error at system.os for nodes that inherit it, one per node that sets its own. */
export function checkOs(spec: Spec, allowed: readonly OsName[]): PendingError[] {
  const errors: PendingError[] = [];
  let systemReported = false;
  spec.nodes.forEach((node, i) => {
    if (allowed.includes(node.os)) return;
    const message = `${spec.kit} supports ${allowed.join(', ')}; ${node.os} is not one of them`;
    if (node.osFromNode) errors.push(pending(['nodes', i, 'os'], 'kit_constraint', message));
    else if (!systemReported) {
      systemReported = true;
      errors.push(pending(['system', 'os'], 'kit_constraint', message));
    }
  });
  return errors;
}

export interface Minimum {
  role: string;
  cpu: number;
  memoryGi: number;
  diskGi: number;
}

/** Errors for each resource of a node below the kit's minimum, at nodes[i].resources.<field>. */
export function checkMinimums(spec: Spec, index: number, min: Minimum): PendingError[] {
  const node = spec.nodes[index];
  if (!node) return [];
  const errors: PendingError[] = [];
  const hint = (field: 'cpu' | 'memory' | 'disk') =>
    node.defaultedResources.includes(field)
      ? ` (the default for a ${node.type} node; set resources.${field})`
      : '';
  const at = (field: string) => ['nodes', index, 'resources', field];
  if (node.resources.cpu < min.cpu) {
    errors.push(
      pending(
        at('cpu'),
        'kit_constraint',
        `${spec.kit}: a ${min.role} needs at least ${min.cpu} CPU cores; ${node.name} has ${node.resources.cpu}${hint('cpu')}`,
      ),
    );
  }
  const memory = parseSize(node.resources.memory) ?? 0;
  if (memory < min.memoryGi * GiB) {
    errors.push(
      pending(
        at('memory'),
        'kit_constraint',
        `${spec.kit}: a ${min.role} needs at least ${min.memoryGi}Gi memory; ${node.name} has ${formatSize(memory)}${hint('memory')}`,
      ),
    );
  }
  const disk = parseSize(node.resources.disk) ?? 0;
  if (disk < min.diskGi * GiB) {
    errors.push(
      pending(
        at('disk'),
        'kit_constraint',
        `${spec.kit}: a ${min.role} needs at least ${min.diskGi}Gi disk; ${node.name} has ${formatSize(disk)}${hint('disk')}`,
      ),
    );
  }
  return errors;
}
