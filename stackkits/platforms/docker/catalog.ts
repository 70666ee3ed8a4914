/**
 * Layer 2 service catalog: every service a kit can run on the Docker platform, with the image, host
 * ports and proxy host of spec/CONTRACTS.md. Kits pick from it by name; a spec may also add a
 * catalog service by naming it (`services: [{name: grafana}]`) without giving an image.
 */

import type { Protocol, ServiceType } from '../../src/spec/vocabulary.ts';
import type { PlanHealthCheck } from '../../src/unifier/plan.ts';

export interface TemplatePort {
  container: number;
  /** Published port in `ports` access mode; null = reachable only inside the stack network. */
  host: number | null;
  protocol: Protocol;
}

export interface TemplateVolume {
  type: 'bind' | 'volume';
  /** Volume name (the Docker volume is `<stack>-<name>`), or a label for a bind mount. */
  name: string;
  /** Host path of a bind mount. */
  source: string | null;
  target: string;
  readOnly: boolean;
}

export interface ServiceTemplate {
  name: string;
  type: ServiceType;
  summary: string;
  image: string;
  command: readonly string[] | null;
  ports: readonly TemplatePort[];
  volumes: readonly TemplateVolume[];
  env: Readonly<Record<string, string>>;
  healthcheck: PlanHealthCheck | null;
  /** Host name `<subdomain>.<domain>` in proxy mode and the container port Traefik forwards to. */
  proxy: { subdomain: string; port: number } | null;
}

const dockerSocket = (readOnly: boolean): TemplateVolume => ({
  type: 'bind',
  name: 'docker-socket',
  source: '/var/run/docker.sock',
  target: '/var/run/docker.sock',
  readOnly,
});

const data = (name: string, target: string): TemplateVolume => ({
  type: 'volume',
  name,
  source: null,
  target,
  readOnly: false,
});

const tcp = (container: number, host: number | null = container): TemplatePort => ({
  container,
  host,
  protocol: 'tcp',
});

const udp = (container: number, host: number | null = container): TemplatePort => ({
  container,
  host,
  protocol: 'udp',
});

const check = (test: string[], interval = '30s', startPeriod = '30s'): PlanHealthCheck => ({
  test,
  interval,
  timeout: '5s',
  retries: 3,
  startPeriod,
});

function template(
  t: Omit<ServiceTemplate, 'command' | 'env' | 'healthcheck' | 'volumes'> & Partial<ServiceTemplate>,
) {
  return {
    command: null,
    env: {},
    healthcheck: null,
    volumes: [],
    ...t,
  } satisfies ServiceTemplate;
}

const list: ServiceTemplate[] = [
  template({
    name: 'traefik',
    type: 'reverse-proxy',
    summary: "Reverse proxy and TLS (Let's Encrypt); dashboard on 8080",
    image: 'traefik:v3.1',
    // The command is built per stack (providers, entry points): see traefik.ts.
    ports: [tcp(80), tcp(443), tcp(8080)],
    volumes: [dockerSocket(true), data('traefik-certs', '/letsencrypt')],
    healthcheck: check(['CMD', 'traefik', 'healthcheck', '--ping'], '10s', '10s'),
    proxy: { subdomain: 'traefik', port: 8080 },
  }),
  template({
    name: 'caddy',
    type: 'reverse-proxy',
    summary: "Reverse proxy and TLS (Let's Encrypt, or its own CA for LAN names) from a Caddyfile",
    image: 'caddy:2.8.4',
    // No command: the image runs /etc/caddy/Caddyfile, which the plan places (see caddy.ts).
    // Certificates and the internal CA's keys live in /data; losing them means new certificates.
    // 443/udp too: Caddy serves HTTP/3 (QUIC) there and advertises it in Alt-Svc, so clients try it.
    ports: [tcp(80), tcp(443), udp(443)],
    volumes: [data('caddy-data', '/data')],
    proxy: null,
  }),
  template({
    name: 'dokploy',
    type: 'paas',
    summary: 'PaaS: deploy apps from Git or images',
    image: 'dokploy/dokploy:latest',
    ports: [tcp(3000)],
    volumes: [dockerSocket(false), data('dokploy-data', '/etc/dokploy')],
    proxy: { subdomain: 'deploy', port: 3000 },
  }),
  template({
    name: 'coolify',
    type: 'paas',
    summary: 'PaaS for users with their own domain',
    image: 'ghcr.io/coollabsio/coolify:latest',
    ports: [tcp(8080, 8000)],
    volumes: [dockerSocket(false), data('coolify-data', '/data/coolify')],
    healthcheck: check(['CMD', 'curl', '-fsS', 'http://127.0.0.1:8080/api/health'], '30s', '90s'),
    proxy: { subdomain: 'coolify', port: 8080 },
  }),
  template({
    name: 'uptime-kuma',
    type: 'monitoring',
    summary: 'Uptime monitoring and status pages',
    image: 'louislam/uptime-kuma:1',
    ports: [tcp(3001)],
    volumes: [data('uptime-kuma-data', '/app/data')],
    proxy: { subdomain: 'status', port: 3001 },
  }),
  template({
    name: 'beszel',
    type: 'monitoring',
    summary: 'Lightweight server metrics',
    image: 'henrygd/beszel:latest',
    ports: [tcp(8090)],
    volumes: [data('beszel-data', '/beszel_data')],
    proxy: { subdomain: 'monitor', port: 8090 },
  }),
  template({
    name: 'dozzle',
    type: 'monitoring',
    summary: 'Live container logs',
    image: 'amir20/dozzle:latest',
    ports: [tcp(8080, 8888)],
    volumes: [dockerSocket(true)],
    healthcheck: check(['CMD', '/dozzle', 'healthcheck'], '30s', '10s'),
    proxy: { subdomain: 'logs', port: 8080 },
  }),
  template({
    name: 'dozzle-agent',
    type: 'monitoring',
    summary: "Dozzle agent: serves one node's logs to the Dozzle hub",
    image: 'amir20/dozzle:latest',
    command: ['agent'],
    ports: [tcp(7007)],
    volumes: [dockerSocket(true)],
    healthcheck: check(['CMD', '/dozzle', 'healthcheck'], '30s', '10s'),
    proxy: null,
  }),
  template({
    name: 'whoami',
    type: 'service',
    summary: 'Echo service to test routing',
    image: 'traefik/whoami:latest',
    ports: [tcp(80, 9080)],
    proxy: { subdomain: 'whoami', port: 80 },
  }),
  template({
    name: 'dockge',
    type: 'docker',
    summary: 'Compose stack manager',
    image: 'louislam/dockge:1',
    ports: [tcp(5001)],
    env: { DOCKGE_STACKS_DIR: '/opt/stacks' },
    // Dockge needs the stacks directory at the same path inside and outside the container.
    volumes: [
      dockerSocket(false),
      data('dockge-data', '/app/data'),
      { type: 'bind', name: 'stacks', source: '/opt/stacks', target: '/opt/stacks', readOnly: false },
    ],
    proxy: { subdomain: 'dockge', port: 5001 },
  }),
  template({
    name: 'portainer',
    type: 'docker',
    summary: 'Docker management UI',
    image: 'portainer/portainer-ce:latest',
    ports: [tcp(9000), tcp(9443)],
    volumes: [dockerSocket(false), data('portainer-data', '/data')],
    proxy: { subdomain: 'portainer', port: 9000 },
  }),
  template({
    name: 'netdata',
    type: 'monitoring',
    summary: 'Real-time host metrics',
    image: 'netdata/netdata:stable',
    ports: [tcp(19999)],
    volumes: [
      data('netdata-config', '/etc/netdata'),
      data('netdata-lib', '/var/lib/netdata'),
      data('netdata-cache', '/var/cache/netdata'),
      { type: 'bind', name: 'proc', source: '/proc', target: '/host/proc', readOnly: true },
      { type: 'bind', name: 'sys', source: '/sys', target: '/host/sys', readOnly: true },
      dockerSocket(true),
    ],
    proxy: { subdomain: 'netdata', port: 19999 },
  }),
  template({
    name: 'prometheus',
    type: 'monitoring',
    summary: 'Metrics database',
    image: 'prom/prometheus:latest',
    ports: [tcp(9090)],
    volumes: [data('prometheus-data', '/prometheus')],
    healthcheck: check(['CMD', 'wget', '-q', '--spider', 'http://localhost:9090/-/healthy']),
    proxy: { subdomain: 'metrics', port: 9090 },
  }),
  template({
    name: 'grafana',
    type: 'monitoring',
    summary: 'Dashboards',
    image: 'grafana/grafana:latest',
    ports: [tcp(3000, 3002)],
    volumes: [data('grafana-data', '/var/lib/grafana')],
    healthcheck: check(['CMD', 'wget', '-q', '--spider', 'http://localhost:3000/api/health']),
    proxy: { subdomain: 'grafana', port: 3000 },
  }),
  template({
    name: 'headscale',
    type: 'vpn',
    summary: 'Self-hosted Tailscale control server for the VPN overlay',
    image: 'headscale/headscale:0.23',
    command: ['serve'],
    ports: [tcp(8080, 8085)],
    volumes: [data('headscale-data', '/var/lib/headscale')],
    proxy: { subdomain: 'headscale', port: 8080 },
  }),
];

/** The catalog by service name. */
export const catalog: ReadonlyMap<string, ServiceTemplate> = new Map(list.map((t) => [t.name, t]));

export const catalogNames: ReadonlySet<string> = new Set(catalog.keys());
