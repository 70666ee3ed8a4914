/**
 * The closed value sets of kombination.yaml (spec/CONTRACTS.md). The schema, the kits and the
 * Unifier all read these lists; nothing else spells them out.
 */

export const kitNames = ['base-homelab', 'modern-homelab', 'ha-homelab'] as const;
export type KitName = (typeof kitNames)[number];

export const nodeTypes = ['main', 'worker', 'edge'] as const;
export type NodeType = (typeof nodeTypes)[number];

export const providers = [
  'local',
  'docker',
  'hetzner',
  'aws',
  'gcp',
  'azure',
  'proxmox',
  'digitalocean',
] as const;
export type Provider = (typeof providers)[number];

/** Providers that run in someone else's data centre; any of them makes a spec `modern-homelab`. */
export const cloudProviders: ReadonlySet<Provider> = new Set([
  'hetzner',
  'aws',
  'gcp',
  'azure',
  'digitalocean',
]);

/** An `edge` node sits at home: only these providers are allowed for it. */
export const edgeProviders: ReadonlySet<Provider> = new Set(['local', 'docker']);

export const serviceTypes = [
  'reverse-proxy',
  'service',
  'backend',
  'database',
  'cache',
  'queue',
  'paas',
  'docker',
  'monitoring',
  'backup',
  'auth',
  'vpn',
  'storage',
  'media',
  'automation',
  'development',
  'custom',
] as const;
export type ServiceType = (typeof serviceTypes)[number];

export const restartPolicies = ['always', 'unless-stopped', 'on-failure', 'no'] as const;
export type RestartPolicy = (typeof restartPolicies)[number];

export const vpnKinds = ['headscale', 'wireguard', 'tailscale', 'none'] as const;
export type VpnKind = (typeof vpnKinds)[number];

export const tlsModes = ['auto', 'manual', 'disabled'] as const;
export type TlsMode = (typeof tlsModes)[number];

/** The reverse proxy that serves `proxy` access: Traefik (the kits' default) or Caddy. */
export const proxyProviders = ['traefik', 'caddy'] as const;
export type ProxyProvider = (typeof proxyProviders)[number];

export const accessModes = ['ports', 'proxy'] as const;
export type AccessMode = (typeof accessModes)[number];

export const volumeTypes = ['bind', 'volume', 'tmpfs'] as const;
export type VolumeType = (typeof volumeTypes)[number];

export const protocols = ['tcp', 'udp'] as const;
export type Protocol = (typeof protocols)[number];

/** Operating systems the base layer can bootstrap. Kits may allow fewer. */
export const osNames = ['ubuntu-24', 'ubuntu-22', 'debian-12', 'debian-13'] as const;
export type OsName = (typeof osNames)[number];

export const computeTiers = ['high', 'standard', 'low'] as const;
export type ComputeTier = (typeof computeTiers)[number];

/** Every variant name any kit knows; a kit accepts its own subset (else `kit_constraint`). */
export const variantNames = ['default', 'beszel', 'minimal', 'coolify', 'enterprise'] as const;
export type VariantName = (typeof variantNames)[number];
