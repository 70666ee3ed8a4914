/**
 * Layer 2, the Docker platform: the service catalog, Traefik and Caddy, networks and volumes, and Docker
 * Swarm (ports, rolling updates, quorum). Kits build on these; nothing here knows about a kit.
 */

import type { FirewallRule } from '../../base/index.ts';
import type { Spec } from '../../src/spec/defaults.ts';
import { type PendingError, pending } from '../../src/spec/errors.ts';
import type { RestartPolicy } from '../../src/spec/vocabulary.ts';
import type { PlanUpdateConfig } from '../../src/unifier/plan.ts';

export {
  type CaddyfileOptions,
  type CaddyTls,
  caddyfile,
  caddyfilePath,
  caddyTls,
  needsInternalCa,
} from './caddy.ts';
export {
  catalog,
  catalogNames,
  type ServiceTemplate,
  type TemplatePort,
  type TemplateVolume,
} from './catalog.ts';
export { headscaleConfig, headscaleConfigPath } from './headscale.ts';
export { imageRepository, type RotationRecipe, rotationRecipe } from './rotation.ts';
export { dynamicConfig, routeLabels, routerName, traefikCommand, traefikDynamicFile } from './traefik.ts';

/** Container names are unique per Docker host; the stack name keeps two stacks on one host apart. */
export function containerName(stack: string, service: string, node?: string): string {
  const name = node ? `${stack}-${service}-${node}` : `${stack}-${service}`;
  return name.length <= 128 ? name : `${name.slice(0, 119)}-${fnv1a(name)}`;
}

export function stackNetworkName(stack: string): string {
  return `${stack}-net`;
}

export function volumeName(stack: string, volume: string): string {
  return `${stack}-${volume}`;
}

/** 8 hex digits of FNV-1a: a short, stable suffix for names that must be cut. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** Ports every Swarm member must accept (Docker docs: "Open protocols and ports between the hosts"). */
export function swarmFirewall(role: 'manager' | 'worker'): FirewallRule[] {
  const rules: FirewallRule[] = [
    { port: 7946, protocol: 'tcp', reason: 'swarm node communication' },
    { port: 7946, protocol: 'udp', reason: 'swarm node communication' },
    { port: 4789, protocol: 'udp', reason: 'swarm overlay network' },
  ];
  if (role === 'manager') rules.unshift({ port: 2377, protocol: 'tcp', reason: 'swarm cluster management' });
  return rules;
}

/** Tailscale's direct-connection port; the coordination server is reached over HTTPS. */
export const vpnFirewall: Record<'headscale' | 'tailscale' | 'wireguard', FirewallRule> = {
  headscale: { port: 41641, protocol: 'udp', reason: 'tailscale peer traffic' },
  tailscale: { port: 41641, protocol: 'udp', reason: 'tailscale peer traffic' },
  wireguard: { port: 51820, protocol: 'udp', reason: 'wireguard' },
};

/** Rolling updates (contract, ha-homelab): one task at a time, 10 s apart, roll back on failure, start-first. */
export const rollingUpdate: PlanUpdateConfig = {
  parallelism: 1,
  delay: '10s',
  failureAction: 'rollback',
  order: 'start-first',
  monitor: '30s',
};

/**
 * For services that publish ports in host mode (one listener per node, like Traefik): the new task
 * cannot bind the port while the old one holds it, so start-first would never finish.
 */
export const hostPortUpdate: PlanUpdateConfig = { ...rollingUpdate, order: 'stop-first' };

/** Swarm's restart conditions for a container restart policy. */
export function swarmRestart(policy: RestartPolicy): 'any' | 'on-failure' | 'none' {
  if (policy === 'on-failure') return 'on-failure';
  if (policy === 'no') return 'none';
  return 'any';
}

/** Raft quorum for a manager count: a majority. */
export function quorum(managers: number): number {
  return Math.floor(managers / 2) + 1;
}

/** `proxy` access routes `<service>.<domain>` through Traefik, which needs a domain to route. */
export function checkAccess(spec: Spec): PendingError[] {
  if (spec.network.access !== 'proxy' || spec.network.domain !== 'local') return [];
  return [
    pending(
      ['network', 'domain'],
      'kit_constraint',
      'access mode proxy needs a domain (network.domain) to build host names like traefik.<domain>; the default "local" is not one',
    ),
  ];
}
