/**
 * Defaults that depend on other fields (so the schema cannot apply them) and kit auto-selection.
 * Input is a spec that passed the schema; output is the normalised {@link Spec} every later stage
 * reads, with every optional node field filled.
 */
import { baseDefaults, resourceDefaults, sshUserByProvider } from './base-defaults.ts';
import type { Kombination, NodeInput } from './schema.ts';
import {
  type AccessMode,
  cloudProviders,
  type KitName,
  type NodeType,
  type OsName,
  type Provider,
} from './vocabulary.ts';

export interface NodeSpec {
  name: string;
  type: NodeType;
  provider: Provider;
  os: OsName;
  /** True when os came from the node itself rather than system.os (for error paths). */
  osFromNode: boolean;
  ssh: { host: string; port: number; user: string; key_path: string | null } | null;
  resources: { cpu: number; memory: string; disk: string };
  /** Which resource fields were left to the type defaults (named in kit messages). */
  defaultedResources: ReadonlyArray<'cpu' | 'memory' | 'disk'>;
  labels: Record<string, string>;
  taints: string[];
}

export interface Spec extends Omit<Kombination, 'kit' | 'nodes' | 'network'> {
  kit: KitName;
  kitSelection: 'explicit' | 'auto';
  /** Why this kit: "set in the spec", or the auto-selection rule that fired. */
  kitReason: string;
  nodes: NodeSpec[];
  network: Kombination['network'] & { access: AccessMode };
}

/**
 * Kit auto-selection (CONTRACTS.md): an explicit kit wins; any cloud-provider node → modern-homelab;
 * three or more main nodes → ha-homelab; otherwise base-homelab.
 */
export function selectKit(
  kit: string | undefined,
  nodes: ReadonlyArray<{ name?: unknown; type?: unknown; provider?: unknown }>,
): { kit: KitName; selection: 'explicit' | 'auto'; reason: string } {
  if (kit === 'base-homelab' || kit === 'modern-homelab' || kit === 'ha-homelab') {
    return { kit, selection: 'explicit', reason: 'set in the spec' };
  }
  let mains = 0;
  for (const node of nodes) {
    if (typeof node.provider === 'string' && cloudProviders.has(node.provider as Provider)) {
      return {
        kit: 'modern-homelab',
        selection: 'auto',
        reason: `node ${String(node.name)} runs on a cloud provider (${node.provider})`,
      };
    }
    if (node.type === 'main') mains++;
  }
  if (mains >= 3) return { kit: 'ha-homelab', selection: 'auto', reason: `${mains} main nodes (3 or more)` };
  return { kit: 'base-homelab', selection: 'auto', reason: 'no cloud node and fewer than 3 main nodes' };
}

export function applyDefaults(spec: Kombination): Spec {
  const chosen = selectKit(spec.kit, spec.nodes);
  const nodes = spec.nodes.map((node) => normaliseNode(node, spec.system.os));
  const access: AccessMode =
    spec.network.access ?? (spec.network.domain === baseDefaults.domain ? 'ports' : 'proxy');
  return {
    ...spec,
    kit: chosen.kit,
    kitSelection: chosen.selection,
    kitReason: chosen.reason,
    nodes,
    network: { ...spec.network, access },
  };
}

function normaliseNode(node: NodeInput, systemOs: OsName): NodeSpec {
  const defaults = resourceDefaults[node.type];
  const given = node.resources ?? {};
  const defaulted = (['cpu', 'memory', 'disk'] as const).filter((k) => given[k] === undefined);
  return {
    name: node.name,
    type: node.type,
    provider: node.provider,
    os: node.os ?? systemOs,
    osFromNode: node.os !== undefined,
    ssh: node.ssh
      ? {
          host: node.ssh.host,
          port: node.ssh.port,
          user: node.ssh.user ?? sshUserByProvider[node.provider],
          key_path: node.ssh.key_path ?? null,
        }
      : null,
    resources: {
      cpu: given.cpu ?? defaults.cpu,
      memory: given.memory ?? defaults.memory,
      disk: given.disk ?? defaults.disk,
    },
    defaultedResources: defaulted,
    labels: node.labels ?? {},
    taints: node.taints ?? [],
  };
}
