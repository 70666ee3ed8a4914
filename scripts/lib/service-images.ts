/**
 * Service images for simulations (`npm run images`), built from Debian's packages on the Debian
 * image of the installer tests and pushed into KombiSim's registry mirror under the upstream names
 * the kits use, so a kit's plan deploys unchanged onto simulated nodes. Each honours the upstream
 * image's documented contract that the kits rely on (ports, data paths, environment). Software
 * Debian does not package gets a clearly named stand-in (busybox httpd on the same ports, answering
 * health checks, labelled `kombify.standin`). Tests and `npm start` use these; production pulls the
 * real images.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './service.ts';
import { aptImage } from './sim-image.ts';
import { pushToMirror } from './sim-registry.ts';

const run = promisify(execFile);
const here = join(repoRoot, 'scripts/service-images');
/** Bumped when a recipe changes, so an older local build is rebuilt. */
const RECIPE = '2';
/** The stand-ins' own recipe (standin.sh), so changing it rebuilds only them. */
const STANDIN_RECIPE = '3';
const LABEL = 'kombify.service-image';

export interface ServiceImage {
  /** The local name (kombify/svc-…:debian). */
  local: string;
  /** Upstream names it is pushed to the mirror as. */
  upstream: string[];
  /** What it really is (for the README and the listing). */
  what: string;
  build(local: string): Promise<void>;
}

const debianImage = (
  name: string,
  what: string,
  upstream: string[],
  recipe: Omit<Parameters<typeof aptImage>[0], 'image' | 'changes'> & { changes: string[] },
): ServiceImage => ({
  local: `kombify/svc-${name}:debian`,
  upstream,
  what,
  build: (local) =>
    aptImage({ ...recipe, image: local, changes: [`LABEL ${LABEL}=${RECIPE}`, ...recipe.changes] }),
});

const entry = (...argv: string[]) => `ENTRYPOINT ${JSON.stringify(argv)}`;
const cmd = (...argv: string[]) => `CMD ${JSON.stringify(argv)}`;

export const serviceImages: ServiceImage[] = [
  debianImage(
    'postgres',
    "PostgreSQL 15 (Debian's postgresql-15): POSTGRES_PASSWORD (required), POSTGRES_USER, POSTGRES_DB, data in /var/lib/postgresql/data, pg_isready",
    ['postgres:16-alpine', 'postgres:16.4-alpine', 'postgres:16', 'postgres:15', 'postgres:latest'],
    {
      packages: ['postgresql-15', 'postgresql-client-15'],
      files: [[join(here, 'postgres-entrypoint.sh'), '/usr/local/bin/docker-entrypoint.sh']],
      after: 'ln -s /usr/lib/postgresql/15/bin/pg_isready /usr/local/bin/pg_isready || true',
      changes: [
        'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        'ENV PGDATA=/var/lib/postgresql/data',
        'VOLUME /var/lib/postgresql/data',
        'EXPOSE 5432',
        entry('/bin/sh', '/usr/local/bin/docker-entrypoint.sh'),
        cmd('postgres'),
      ],
    },
  ),
  debianImage(
    'redis',
    "Redis 7.0 (Debian's redis-server): data in /data, port 6379, no protected mode",
    ['redis:7-alpine', 'redis:7.4.1-alpine', 'redis:7', 'redis:latest'],
    {
      packages: ['redis-server', 'redis-tools'],
      after: 'mkdir -p /data',
      changes: [
        'WORKDIR /data',
        'VOLUME /data',
        'EXPOSE 6379',
        cmd('redis-server', '--protected-mode', 'no', '--dir', '/data', '--bind', '0.0.0.0'),
      ],
    },
  ),
  debianImage(
    'nginx',
    "nginx 1.22 (Debian's nginx-light): serves /usr/share/nginx/html on 80, config in /etc/nginx",
    ['nginx:1.27', 'nginx:1.27-alpine', 'nginx:alpine', 'nginx:latest'],
    {
      packages: ['nginx-light'],
      after:
        'mkdir -p /usr/share/nginx/html && cp /var/www/html/index.nginx-debian.html /usr/share/nginx/html/index.html && ' +
        "sed -i 's|root /var/www/html;|root /usr/share/nginx/html;|' /etc/nginx/sites-available/default && " +
        'ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log',
      changes: ['EXPOSE 80', cmd('nginx', '-g', 'daemon off;')],
    },
  ),
  debianImage(
    'caddy',
    "Caddy 2.6 (Debian's caddy): /etc/caddy/Caddyfile, data in /data, ports 80/443",
    ['caddy:2.8.4', 'caddy:2', 'caddy:latest'],
    {
      packages: ['caddy'],
      after:
        'mkdir -p /data /config /srv && printf ":80 {\\n\\troot * /srv\\n\\tfile_server\\n}\\n" >/etc/caddy/Caddyfile' +
        ' && (cp /usr/share/caddy/index.html /srv/index.html 2>/dev/null || echo Caddy works >/srv/index.html)',
      changes: [
        'ENV XDG_CONFIG_HOME=/config XDG_DATA_HOME=/data',
        'VOLUME /data',
        'EXPOSE 80 443',
        cmd('caddy', 'run', '--config', '/etc/caddy/Caddyfile', '--adapter', 'caddyfile'),
      ],
    },
  ),
  debianImage(
    'prometheus',
    "Prometheus 2.42 (Debian's prometheus): config /etc/prometheus/prometheus.yml, data /prometheus, port 9090",
    ['prom/prometheus:latest', 'prom/prometheus:v2.54.1'],
    {
      packages: ['prometheus'],
      after: 'mkdir -p /prometheus',
      changes: [
        'VOLUME /prometheus',
        'EXPOSE 9090',
        entry('/usr/bin/prometheus'),
        cmd('--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus'),
      ],
    },
  ),
  debianImage(
    'node-exporter',
    "node-exporter 1.5 (Debian's prometheus-node-exporter): port 9100",
    ['prom/node-exporter:latest', 'prom/node-exporter:v1.8.2'],
    {
      packages: ['prometheus-node-exporter'],
      changes: ['EXPOSE 9100', entry('/usr/bin/prometheus-node-exporter')],
    },
  ),
  debianImage(
    'restic',
    "restic 0.14 (Debian's restic): the restic command as the entrypoint",
    ['restic/restic:latest', 'restic/restic:0.17.1'],
    { packages: ['restic', 'ca-certificates'], changes: [entry('/usr/bin/restic')] },
  ),
  {
    local: 'kombify/svc-whoami:node',
    upstream: ['traefik/whoami:latest', 'traefik/whoami:v1.10'],
    what: "kombify's whoami (Node): echoes host name, addresses and the request on 80 (WHOAMI_PORT_NUMBER / --port)",
    build: (local) =>
      aptImage({
        image: local,
        packages: [],
        files: [
          [join(repoRoot, 'node_modules/node/bin/node'), '/usr/local/bin/node'],
          [join(here, 'whoami.mjs'), '/whoami.mjs'],
        ],
        changes: [`LABEL ${LABEL}=${RECIPE}`, 'EXPOSE 80', entry('/usr/local/bin/node', '/whoami.mjs')],
      }),
  },
  {
    local: 'kombify/svc-echo-app:node',
    upstream: ['kombify/echo-app:1', 'kombify/echo-app:latest'],
    what: "kombify's echo app (Node + Debian's psql), an app for base-homelab default's example app service: GET /db makes one SQL round trip with the PG* variables",
    build: (local) =>
      aptImage({
        image: local,
        packages: ['postgresql-client-15'],
        files: [
          [join(repoRoot, 'node_modules/node/bin/node'), '/usr/local/bin/node'],
          [join(here, 'echo-app.mjs'), '/echo-app.mjs'],
        ],
        changes: [`LABEL ${LABEL}=${RECIPE}`, 'EXPOSE 8080', entry('/usr/local/bin/node', '/echo-app.mjs')],
      }),
  },
];

/** Stand-ins: what Debian does not package, by upstream name and the ports its kits use. */
export const standIns: { name: string; upstream: string[]; ports: number[] }[] = [
  { name: 'traefik', upstream: ['traefik:v3.1', 'traefik:v3', 'traefik:latest'], ports: [80, 443, 8080] },
  { name: 'dokploy', upstream: ['dokploy/dokploy:latest'], ports: [3000] },
  { name: 'coolify', upstream: ['coollabsio/coolify:latest'], ports: [8000] },
  { name: 'uptime-kuma', upstream: ['louislam/uptime-kuma:1', 'louislam/uptime-kuma:latest'], ports: [3001] },
  { name: 'dozzle', upstream: ['amir20/dozzle:latest'], ports: [8080] },
  { name: 'portainer', upstream: ['portainer/portainer-ce:latest'], ports: [9000, 9443] },
  { name: 'beszel', upstream: ['henrygd/beszel:latest'], ports: [8090] },
  { name: 'grafana', upstream: ['grafana/grafana:latest', 'grafana/grafana-oss:latest'], ports: [3000] },
  { name: 'dockge', upstream: ['louislam/dockge:1', 'louislam/dockge:latest'], ports: [5001] },
  { name: 'netdata', upstream: ['netdata/netdata:latest', 'netdata/netdata:stable'], ports: [19999] },
];

async function label(image: string): Promise<string | null> {
  try {
    const { stdout } = await run('docker', [
      'image',
      'inspect',
      '--format',
      `{{ index .Config.Labels "${LABEL}" }}`,
      image,
    ]);
    return stdout.trim();
  } catch {
    return null;
  }
}

async function buildStandIn(s: (typeof standIns)[number], base: string): Promise<string> {
  const local = `kombify/standin-${s.name}:busybox`;
  if ((await label(local)) === STANDIN_RECIPE) return local;
  const name = `kombify-standin-build-${process.pid}-${s.name}`;
  try {
    await run('docker', ['create', '--name', name, base, 'true']);
    await run('docker', ['cp', join(here, 'standin.sh'), `${name}:/standin.sh`]);
    await run('docker', [
      'commit',
      ...[
        `LABEL ${LABEL}=${STANDIN_RECIPE} kombify.standin=${s.name}`,
        `ENV KOMBIFY_STANDIN=${s.name} KOMBIFY_STANDIN_PORTS="${s.ports.join(' ')}"`,
        `EXPOSE ${s.ports.join(' ')}`,
        entry('/bin/sh', '/standin.sh'),
        'CMD []',
      ].flatMap((c) => ['--change', c]),
      name,
      local,
    ]);
  } finally {
    await run('docker', ['rm', '-f', name]).catch(() => {});
  }
  return local;
}

/**
 * Builds what is missing or out of date and pushes everything into the mirror under its upstream
 * names. Returns upstream name → what it is.
 */
export async function buildServiceImages(opts: {
  testImage: string;
  progress?: (line: string) => void;
  only?: string[];
}): Promise<Map<string, string>> {
  const say = opts.progress ?? (() => {});
  const pushed = new Map<string, string>();
  const wanted = (names: string[]) => !opts.only || names.some((n) => opts.only?.includes(n));
  for (const image of serviceImages) {
    if (!wanted(image.upstream)) continue;
    if ((await label(image.local)) !== RECIPE) {
      const started = Date.now();
      say(`building ${image.local} (${image.upstream[0]})…`);
      await image.build(image.local);
      say(`built ${image.local} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    for (const u of image.upstream) await pushToMirror({ [image.local]: u }, { progress: say });
    for (const u of image.upstream) pushed.set(u, image.what);
  }
  for (const s of standIns) {
    if (!wanted(s.upstream)) continue;
    const local = await buildStandIn(s, opts.testImage);
    for (const u of s.upstream) {
      await pushToMirror({ [local]: u }, { progress: say });
      pushed.set(u, `stand-in for ${s.name} (busybox httpd on ${s.ports.join(', ')})`);
    }
  }
  return pushed;
}
