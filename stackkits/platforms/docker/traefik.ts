/**
 * Traefik on the Docker platform: its static configuration (command-line flags), the labels that
 * route a container or Swarm service, and the file-provider document for upstreams on other nodes
 * (Traefik's Docker provider only sees containers on its own Docker host).
 */
import type { AccessMode } from '../../src/spec/vocabulary.ts';
import type { PlanRoute } from '../../src/unifier/plan.ts';

export const traefikDynamicFile = '/etc/traefik/dynamic/kombify.yml';

export interface TraefikOptions {
  access: AccessMode;
  /** `docker` reads container labels; `swarm` reads Swarm service labels (ha-homelab). */
  provider: 'docker' | 'swarm';
  network: string;
  /** Routes to other nodes exist: watch the dynamic file. */
  fileProvider: boolean;
  /** Contact address of the Let's Encrypt account (network.proxy.email); null = none. */
  email: string | null;
}

export function traefikCommand(o: TraefikOptions): string[] {
  const args = [
    '--ping=true',
    '--api.dashboard=true',
    '--entrypoints.web.address=:80',
    '--entrypoints.websecure.address=:443',
    `--providers.${o.provider}=true`,
    `--providers.${o.provider}.exposedbydefault=false`,
    `--providers.${o.provider}.network=${o.network}`,
    '--certificatesresolvers.letsencrypt.acme.httpchallenge=true',
    '--certificatesresolvers.letsencrypt.acme.httpchallenge.entrypoint=web',
    '--certificatesresolvers.letsencrypt.acme.storage=/letsencrypt/acme.json',
  ];
  if (o.email !== null) args.push(`--certificatesresolvers.letsencrypt.acme.email=${o.email}`);
  // ports mode: the dashboard is served on :8080 directly (contract: "8080 (dashboard)").
  if (o.access === 'ports') args.push('--api.insecure=true');
  if (o.fileProvider) {
    args.push(`--providers.file.filename=${traefikDynamicFile}`, '--providers.file.watch=true');
  }
  return args;
}

/** Router and service name for a route; the dashboard has its own. */
export function routerName(route: PlanRoute): string {
  return route.service === 'traefik' ? 'traefik-dashboard' : route.service;
}

/** Labels that make Traefik route to the labelled container or service. */
export function routeLabels(route: PlanRoute): Record<string, string> {
  const name = routerName(route);
  const r = `traefik.http.routers.${name}`;
  const labels: Record<string, string> = {
    'traefik.enable': 'true',
    [`${r}.entrypoints`]: route.entrypoint,
    [`${r}.rule`]: `Host(\`${route.host}\`)`,
  };
  if (route.tls === 'auto') labels[`${r}.tls.certresolver`] = 'letsencrypt';
  if (route.tls === 'manual') labels[`${r}.tls`] = 'true';
  if (route.service === 'traefik') {
    labels[`${r}.service`] = 'api@internal';
  } else {
    labels[`${r}.service`] = name;
    labels[`traefik.http.services.${name}.loadbalancer.server.port`] = String(route.port);
  }
  return labels;
}

/** The file-provider document for routes whose upstream is a URL. JSON is valid YAML. */
export function dynamicConfig(routes: readonly PlanRoute[]): string {
  const routers: Record<string, unknown> = {};
  const services: Record<string, unknown> = {};
  for (const route of routes) {
    if (route.upstream.kind !== 'url') continue;
    const name = routerName(route);
    routers[name] = {
      rule: `Host(\`${route.host}\`)`,
      entryPoints: [route.entrypoint],
      service: name,
      ...(route.tls === 'auto'
        ? { tls: { certResolver: 'letsencrypt' } }
        : route.tls === 'manual'
          ? { tls: {} }
          : {}),
    };
    services[name] = { loadBalancer: { servers: [{ url: route.upstream.url }] } };
  }
  return `${JSON.stringify({ http: { routers, services } }, null, 2)}\n`;
}
