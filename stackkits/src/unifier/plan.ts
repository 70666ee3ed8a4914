/**
 * The resolved plan: everything a stack needs on every node, fully decided. It is data only (no
 * functions, no timestamps, no randomness) and is built in a fixed order, so the same spec always
 * serialises to the same bytes ({@link serializePlan}). OpenTofu JSON and the agent job plan are
 * both rendered from it.
 */
import type {
  AccessMode,
  ComputeTier,
  KitName,
  NodeType,
  OsName,
  Protocol,
  Provider,
  RestartPolicy,
  TlsMode,
  VolumeType,
} from '../spec/vocabulary.ts';

export const planFormat = 'kombify.plan/v1';

export interface Plan {
  format: typeof planFormat;
  stack: PlanStack;
  /** Decisions the Unifier made that a user should know about (not errors). */
  notes: PlanNote[];
  /** Every service, dependencies first (from `needs`; ties keep declaration order). */
  order: string[];
  nodes: PlanNode[];
  swarm: PlanSwarm | null;
  outputs: PlanOutput[];
}

export interface PlanStack {
  name: string;
  version: string;
  kit: KitName;
  kitSelection: 'explicit' | 'auto';
  variant: string;
  computeTier: ComputeTier | null;
  access: AccessMode;
  domain: string;
  timezone: string;
}

export interface PlanNote {
  code: string;
  message: string;
}

export interface PlanNode {
  name: string;
  type: NodeType;
  provider: Provider;
  os: OsName;
  /** Where services on this node are reached: ssh.host, else the node name. */
  address: string;
  ssh: { host: string; port: number; user: string; keyPath: string | null } | null;
  /** Docker endpoint: `ssh://user@host:port`, or the local socket for a node without SSH. */
  dockerHost: string;
  resources: { cpu: number; memory: string; disk: string };
  labels: Record<string, string>;
  taints: string[];
  swarmRole: 'manager' | 'worker' | null;
  bootstrap: BootstrapStep[];
  /** Networks created on this node (an overlay network is created once, on the Swarm leader). */
  networks: PlanNetwork[];
  /** Named volumes created on this node for its containers. */
  volumes: PlanVolume[];
  /** Plain containers on this node, dependencies first. */
  containers: PlanContainer[];
  /** Routes served by the stack's proxy (Traefik or Caddy) on this node. */
  routes: PlanRoute[];
}

export interface PlanNetwork {
  name: string;
  driver: 'bridge' | 'overlay';
  subnet: string | null;
  attachable: boolean;
}

export interface PlanVolume {
  name: string;
  service: string;
}

export interface PlanPort {
  container: number;
  host: number | null;
  protocol: Protocol;
  /** Address of the node the port is published on; null = every address. */
  hostIp: string | null;
}

export interface PlanMount {
  type: VolumeType;
  /** Docker volume name, host path (bind), or null (tmpfs). */
  source: string | null;
  target: string;
  readOnly: boolean;
}

export interface PlanHealthCheck {
  test: string[];
  interval: string;
  timeout: string;
  retries: number;
  startPeriod: string;
}

export interface PlanLogging {
  driver: 'json-file';
  options: { 'max-file': string; 'max-size': string };
}

export interface PlanFile {
  path: string;
  /** The text; empty when the file holds a secret. */
  content: string;
  /** secret://ref whose value the file holds (never the value); null for plain content. */
  secret: string | null;
}

/** Resource limits of each container of a service. */
export interface PlanResources {
  /** CPU limit (cores, may be fractional); null = none. */
  cpus: number | null;
  /** Memory limit as a size like 512Mi; null = none. */
  memory: string | null;
}

export interface PlanContainer {
  name: string;
  service: string;
  image: string;
  command: string[] | null;
  /** Replaces the image's entrypoint; null = the image's. */
  entrypoint: string[] | null;
  /** User the container runs as; null = the image's. */
  user: string | null;
  ports: PlanPort[];
  volumes: PlanMount[];
  env: Record<string, string>;
  /** Environment variables whose values come from secrets: name → secret://ref (never the value). */
  secrets: Record<string, string>;
  labels: Record<string, string>;
  restart: RestartPolicy;
  /** null: the image's own HEALTHCHECK (if any) applies. */
  healthcheck: PlanHealthCheck | null;
  networks: string[];
  /** Extra names on the stack network. */
  aliases: string[];
  resources: PlanResources | null;
  /** Services this one waits for. */
  needs: string[];
  /** Files placed in the container before it starts. */
  files: PlanFile[];
  logging: PlanLogging;
}

export interface PlanRoute {
  service: string;
  host: string;
  url: string;
  entrypoint: 'web' | 'websecure';
  tls: TlsMode;
  /** Container port the proxy forwards to. */
  port: number;
  /** Node the service runs on; null when Swarm schedules it. */
  node: string | null;
  /**
   * labels: Traefik finds the container itself; url: forwarded to this address (Traefik's file
   * provider, or Caddy, which routes every route this way).
   */
  upstream: { kind: 'labels' } | { kind: 'url'; url: string };
}

export interface PlanUpdateConfig {
  parallelism: number;
  delay: string;
  failureAction: 'rollback' | 'pause' | 'continue';
  order: 'start-first' | 'stop-first';
  monitor: string;
}

export interface PlanSwarm {
  leader: string;
  managers: string[];
  workers: string[];
  network: PlanNetwork;
  update: PlanUpdateConfig;
  /** Ports published through the routing mesh: every Swarm node listens on them. */
  ingressPorts: { port: number; protocol: Protocol; reason: string }[];
  services: PlanSwarmService[];
}

export interface PlanSwarmPort extends PlanPort {
  publishMode: 'ingress' | 'host';
}

export interface PlanSwarmService {
  name: string;
  service: string;
  image: string;
  command: string[] | null;
  entrypoint: string[] | null;
  user: string | null;
  mode: 'replicated' | 'global';
  replicas: number | null;
  constraints: string[];
  ports: PlanSwarmPort[];
  mounts: PlanMount[];
  env: Record<string, string>;
  secrets: Record<string, string>;
  /** Service labels (Traefik reads these in Swarm mode). */
  labels: Record<string, string>;
  /** Labels on every task container (kombify.*). */
  containerLabels: Record<string, string>;
  restart: 'any' | 'on-failure' | 'none';
  healthcheck: PlanHealthCheck | null;
  networks: string[];
  aliases: string[];
  resources: PlanResources | null;
  needs: string[];
  update: PlanUpdateConfig;
  logging: PlanLogging;
}

export interface PlanOutput {
  service: string;
  url: string;
}

export type BootstrapStep =
  | { step: 'timezone'; timezone: string }
  | { step: 'packages'; autoUpdates: boolean }
  | { step: 'ssh-hardening'; port: number; passwordAuthentication: boolean; permitRootLogin: string }
  | {
      step: 'firewall';
      enabled: boolean;
      defaultIncoming: 'deny';
      allow: { port: number; protocol: Protocol; reason: string }[];
      /** Also open plan.swarm.ingressPorts (kept there once instead of on every node). */
      openSwarmIngress: boolean;
    }
  | { step: 'docker'; dns: string[]; logDriver: 'json-file'; logOptions: PlanLogging['options'] }
  | {
      step: 'vpn';
      provider: 'headscale' | 'tailscale' | 'wireguard';
      loginServer: string | null;
      authKey: string;
    }
  | {
      step: 'swarm';
      role: 'manager' | 'worker';
      action: 'init' | 'join';
      leader: string;
      advertiseAddress: string;
      labels: Record<string, string>;
    }
  | { step: 'backup'; schedule: string; retentionDays: number; volumes: string[] };

/** The plan as canonical JSON text: two-space indent, trailing newline, byte-stable. */
export function serializePlan(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}
