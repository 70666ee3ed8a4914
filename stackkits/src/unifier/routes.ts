/**
 * Which services the stack's proxy routes, under which host name, and how it reaches them. Traefik:
 * by container or service labels where it can see the service (same Docker host, or Swarm), by URL
 * through its file provider otherwise (another Swarm node over the overlay network, or an edge
 * node's published port). Caddy reads no labels: always by URL, the container name where it shares
 * a network with the service. Host names must be unique.
 */
import { catalog, containerName } from '../../platforms/docker/index.ts';
import type { KitConfig } from '../kit/types.ts';
import type { Spec } from '../spec/defaults.ts';
import { type PendingError, pending } from '../spec/errors.ts';
import type { ProxyProvider, TlsMode } from '../spec/vocabulary.ts';
import type { ModelService } from './model-types.ts';
import type { PlanRoute } from './plan.ts';

/** The kit's reverse proxy: the service named after network.proxy.provider. */
export function proxyService(services: readonly ModelService[], spec: Spec): ModelService | undefined {
  return services.find((s) => s.name === spec.network.proxy.provider && s.fromKit);
}

/** The node whose proxy serves routes: where the proxy runs (the spec may have moved it). */
export function ingressNode(services: readonly ModelService[], spec: Spec, config: KitConfig): string {
  const proxy = proxyService(services, spec);
  return proxy?.placement.kind === 'node' ? proxy.placement.node : config.topology.ingress;
}

const proxyNames: Record<ProxyProvider, string> = { traefik: 'Traefik', caddy: 'Caddy' };

/** An address in a URL: an IPv6 literal in brackets. */
function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

export function decideRoutes(
  services: ModelService[],
  spec: Spec,
  config: KitConfig,
  members: ReadonlySet<string>,
  errors: PendingError[],
): void {
  const hosts = new Map<string, string>();
  const proxyMode = spec.network.access === 'proxy';
  const ingress = ingressNode(services, spec, config);
  const provider = spec.network.proxy.provider;
  const proxyName = proxyNames[provider];
  const addressOf = new Map(spec.nodes.map((n) => [n.name, n.ssh?.host ?? n.name]));
  for (const s of services) {
    const ps = s.proxySpec;
    if (ps?.enabled === false) continue;
    const explicit = ps?.enabled === true;
    const userPorts = s.ports.length > 0 && s.ports[0]?.at !== null;
    const port = userPorts ? s.ports[0]?.container : (s.template?.proxy?.port ?? s.ports[0]?.container);
    // Catalog services are routed when they have a web UI; the spec's own services when they have a port.
    const byDefault = proxyMode && (catalog.has(s.name) ? Boolean(s.template?.proxy) : s.ports.length > 0);
    if (!explicit && !(ps?.enabled === undefined && byDefault)) continue;
    const at = s.specIndex === null ? null : ['services', s.specIndex];
    if (port === undefined) {
      if (at)
        errors.push(
          pending([...at, 'ports'], 'required', `routing through ${proxyName} needs a container port`),
        );
      continue;
    }
    let upstream: PlanRoute['upstream'] | null = null;
    const p = s.placement;
    const byName = `http://${containerName(spec.name, s.name)}:${port}`;
    if (
      provider === 'caddy' &&
      (p.kind === 'swarm' || (p.kind === 'node' && (p.node === ingress || members.has(p.node))))
    ) {
      // Same bridge or overlay network (ha-homelab with caddy is refused): Docker's DNS finds it.
      upstream = { kind: 'url', url: byName };
    } else if (
      p.kind === 'swarm' ||
      (p.kind === 'node' && p.node === ingress && !config.topology.swarmServices)
    ) {
      upstream = { kind: 'labels' };
    } else if (p.kind === 'node' && !config.topology.swarmServices && members.has(p.node)) {
      // Same overlay network: Traefik reaches the container by name.
      upstream = { kind: 'url', url: byName };
    } else if (p.kind === 'node' && !config.topology.swarmServices) {
      const published = s.ports.find((x) => x.container === port && x.host !== null);
      if (published)
        upstream = {
          kind: 'url',
          url: `http://${urlHost(addressOf.get(p.node) ?? p.node)}:${published.host}`,
        };
    }
    if (!upstream) {
      if (explicit && at) {
        const node = p.kind === 'node' ? p.node : 'several nodes';
        errors.push(
          pending(
            [...at, 'network', 'proxy', 'enabled'],
            'kit_constraint',
            `${s.name} on ${node} cannot be routed: ${proxyName} reaches services outside the Swarm only at a published host port${config.topology.swarmServices ? ', and in ha-homelab only Swarm services' : ''}`,
          ),
        );
      }
      continue;
    }
    const host = ps?.domain ?? `${s.template?.proxy?.subdomain ?? s.name}.${spec.network.domain}`;
    const tls: TlsMode = ps?.tls ?? 'auto';
    if (provider === 'caddy' && tls === 'manual') {
      errors.push(
        pending(
          at ? [...at, 'network', 'proxy', 'tls'] : ['network', 'proxy', 'provider'],
          'kit_constraint',
          `${s.name}: tls manual needs certificate files, which the spec cannot name for caddy yet; use auto (Caddy's internal CA for LAN names) or traefik`,
        ),
      );
      continue;
    }
    const first = hosts.get(host);
    if (first !== undefined) {
      errors.push(
        pending(
          at ? [...at, 'network', 'proxy', 'domain'] : ['services'],
          'duplicate',
          `host name ${host} is already routed to ${first}`,
        ),
      );
      continue;
    }
    hosts.set(host, s.name);
    s.route = {
      service: s.name,
      host,
      url: `${tls === 'disabled' ? 'http' : 'https'}://${host}`,
      entrypoint: tls === 'disabled' ? 'web' : 'websecure',
      tls,
      port,
      upstream,
    };
  }
}
