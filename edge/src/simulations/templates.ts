/**
 * KombiSim's node types and the six templates of CONTRACTS.md, as one table of code: names, order,
 * types, resources and category. `vps` nodes get more memory and disk than `local` ones; the
 * hybrid template also gives its VPS nodes internet-like latency (tc netem inside the node).
 */
export type SimNodeType = 'vps' | 'local';
export const simNodeTypes = ['vps', 'local'] as const;

export interface SimResources {
  cpu: number;
  memoryMb: number;
  /** Recorded and shown; Docker's overlay storage does not enforce a size on this machine. */
  diskGb: number;
}

export interface SimNetwork {
  latencyMs?: number;
  lossPercent?: number;
}

export const nodeTypeDefaults: Record<SimNodeType, SimResources> = {
  local: { cpu: 1, memoryMb: 512, diskGb: 10 },
  vps: { cpu: 1, memoryMb: 1024, diskGb: 25 },
};

export interface TemplateNode {
  name: string;
  type: SimNodeType;
  resources?: Partial<SimResources>;
  network?: SimNetwork;
}

export interface SimTemplate {
  name: string;
  category: 'development' | 'homelab';
  description: string;
  nodes: readonly TemplateNode[];
  /**
   * Whether applying it makes a deploy target (nodes run the agent) unless the request says: the
   * multi-node templates are for deploying onto, so they do.
   */
  deployTarget: boolean;
}

const local = (name: string, resources?: Partial<SimResources>): TemplateNode => ({
  name,
  type: 'local',
  ...(resources ? { resources } : {}),
});
const vps = (name: string): TemplateNode => ({ name, type: 'vps', network: { latencyMs: 20 } });

export const templates: readonly SimTemplate[] = [
  {
    name: 'single-node',
    category: 'development',
    description: 'Minimal single server',
    deployTarget: false,
    nodes: [local('server', { cpu: 2, memoryMb: 1024 })],
  },
  {
    name: 'homelab-basic',
    category: 'homelab',
    description: 'Web server + database',
    deployTarget: false,
    nodes: [local('web-server'), local('database', { memoryMb: 1024 })],
  },
  {
    name: 'homelab-advanced',
    category: 'homelab',
    description: 'Full homelab stack: proxy, two apps, database, storage',
    deployTarget: true,
    nodes: [
      local('proxy'),
      local('app-1'),
      local('app-2'),
      local('database', { memoryMb: 1024 }),
      local('storage', { diskGb: 100 }),
    ],
  },
  {
    name: 'hybrid-setup',
    category: 'homelab',
    description: 'VPS + local combined: two cloud servers in front of three home servers',
    deployTarget: true,
    nodes: [
      vps('vps-web'),
      vps('vps-api'),
      local('local-db', { memoryMb: 1024 }),
      local('local-storage', { diskGb: 100 }),
      local('local-backup', { diskGb: 100 }),
    ],
  },
  {
    name: 'dev-environment',
    category: 'development',
    description: 'Dev server + database',
    deployTarget: false,
    nodes: [local('dev-server', { cpu: 2, memoryMb: 1024 }), local('db-server')],
  },
  {
    name: 'ha-setup',
    category: 'homelab',
    description: 'Load balancer + HA: two app servers and a replicated database',
    deployTarget: true,
    nodes: [local('lb-1'), local('app-1'), local('app-2'), local('db-primary'), local('db-replica')],
  },
];

export function findTemplate(name: string): SimTemplate | undefined {
  return templates.find((t) => t.name === name);
}

/** A node's resources: its type's defaults, overridden field by field. */
export function resolveResources(type: SimNodeType, overrides?: Partial<SimResources>): SimResources {
  return { ...nodeTypeDefaults[type], ...overrides };
}
