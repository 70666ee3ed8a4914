import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyDefaults } from '../spec/defaults.ts';
import { kombinationSchema } from '../spec/schema.ts';
import { parseSpec } from '../spec/validate.ts';
import type { Plan, PlanContainer } from './plan.ts';
import { serializePlan } from './plan.ts';
import { type ResolveOptions, resolve, UnifierError } from './resolve.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const example = (name: string) => readFileSync(join(root, 'examples', `${name}.yaml`), 'utf8');

function planOf(text: string, options?: ResolveOptions): Plan {
  const { spec, errors } = parseSpec(text);
  expect(errors).toEqual([]);
  return resolve(spec!, options);
}

const containers = (plan: Plan): PlanContainer[] => plan.nodes.flatMap((n) => n.containers);
const container = (plan: Plan, service: string) => containers(plan).find((c) => c.service === service)!;

const single = (extra = '', resources = '{ cpu: 4, memory: 8Gi, disk: 100Gi }') => `name: lab
nodes:
  - { name: server, type: main, ssh: { host: 10.0.0.2 }, resources: ${resources} }
${extra}`;

describe('resolve: base-homelab', () => {
  it('runs the variant services on the server, every container labelled', () => {
    const plan = planOf(single());
    expect(plan.stack).toMatchObject({
      kit: 'base-homelab',
      variant: 'default',
      computeTier: 'standard',
      access: 'ports',
    });
    expect(plan.order).toEqual(['traefik', 'dokploy', 'uptime-kuma', 'dozzle', 'whoami']);
    for (const c of containers(plan)) {
      expect(c.labels).toMatchObject({
        'kombify.stack': 'lab',
        'kombify.service': c.service,
        'kombify.managed': 'true',
      });
    }
    expect(plan.outputs).toContainEqual({ service: 'dokploy', url: 'http://10.0.0.2:3000' });
    expect(plan.outputs).toContainEqual({ service: 'dozzle', url: 'http://10.0.0.2:8888' });
    expect(container(plan, 'dozzle').ports).toEqual([
      { container: 8080, host: 8888, protocol: 'tcp', hostIp: null },
    ]);
  });

  it('forces minimal on a low compute tier and says so', () => {
    const plan = planOf(single('', '{ cpu: 2, memory: 4Gi, disk: 50Gi }'));
    expect(plan.stack).toMatchObject({ variant: 'minimal', computeTier: 'low' });
    expect(plan.order).toEqual(['traefik', 'dockge', 'portainer', 'netdata', 'dozzle']);
    expect(plan.notes.map((n) => n.code)).toEqual(['kit_auto_selected', 'tier_forced_variant']);
  });

  it('adds prometheus and grafana on a high compute tier', () => {
    const plan = planOf(single('variant: beszel\n', '{ cpu: 8, memory: 16Gi, disk: 100Gi }'));
    expect(plan.stack.computeTier).toBe('high');
    expect(plan.order).toEqual(['traefik', 'dokploy', 'beszel', 'dozzle', 'whoami', 'prometheus', 'grafana']);
    expect(container(plan, 'grafana').ports).toEqual([
      { container: 3000, host: 3002, protocol: 'tcp', hostIp: null },
    ]);
  });

  it('routes through Traefik in proxy mode: host names, no service host ports', () => {
    const plan = planOf(
      single(`network:
  domain: home.example.net
services:
  - { name: app, image: "nginx:1.27", ports: [{ container: 80 }] }
  - { name: hidden, image: "nginx:1.27", ports: [{ container: 80 }], network: { proxy: { enabled: false } } }
`),
    );
    expect(plan.stack.access).toBe('proxy');
    expect(container(plan, 'traefik').ports.map((p) => p.host)).toEqual([80, 443]);
    expect(container(plan, 'dokploy').ports).toEqual([
      { container: 3000, host: null, protocol: 'tcp', hostIp: null },
    ]);
    const routes = plan.nodes[0]!.routes;
    expect(routes.map((r) => [r.service, r.host, r.upstream.kind])).toEqual([
      ['traefik', 'traefik.home.example.net', 'labels'],
      ['dokploy', 'deploy.home.example.net', 'labels'],
      ['uptime-kuma', 'status.home.example.net', 'labels'],
      ['dozzle', 'logs.home.example.net', 'labels'],
      ['whoami', 'whoami.home.example.net', 'labels'],
      ['app', 'app.home.example.net', 'labels'],
    ]);
    expect(container(plan, 'dokploy').labels).toMatchObject({
      'traefik.enable': 'true',
      'traefik.http.routers.dokploy.rule': 'Host(`deploy.home.example.net`)',
      'traefik.http.routers.dokploy.tls.certresolver': 'letsencrypt',
      'traefik.http.services.dokploy.loadbalancer.server.port': '3000',
    });
    expect(container(plan, 'traefik').labels['traefik.http.routers.traefik-dashboard.service']).toBe(
      'api@internal',
    );
    expect(container(plan, 'hidden').labels['traefik.enable']).toBeUndefined();
    expect(plan.outputs).toContainEqual({ service: 'app', url: 'https://app.home.example.net' });
  });

  it('lets the spec customise a kit service and add a catalog service by name', () => {
    const plan = planOf(
      single(`services:
  - name: uptime-kuma
    environment: { UPTIME_KUMA_PORT: 3001 }
    restartPolicy: always
  - name: whoami
    enabled: false
  - name: grafana
`),
    );
    expect(plan.order).toEqual(['traefik', 'dokploy', 'uptime-kuma', 'dozzle', 'grafana']);
    expect(container(plan, 'uptime-kuma')).toMatchObject({
      image: 'louislam/uptime-kuma:1',
      restart: 'always',
      env: { TZ: 'UTC', UPTIME_KUMA_PORT: '3001' },
    });
    expect(container(plan, 'grafana').image).toBe('grafana/grafana:latest');
  });

  it('orders by needs and otherwise keeps declaration order', () => {
    const plan = planOf(
      single(`services:
  - { name: web, image: "nginx:1.27", needs: [api] }
  - { name: api, image: "node:22", needs: [db, cache] }
  - { name: db, image: "postgres:16" }
  - { name: cache, image: "redis:7" }
  - { name: docs, image: "nginx:1.27" }
`),
    );
    expect(plan.order.slice(5)).toEqual(['db', 'cache', 'api', 'web', 'docs']);
    expect(container(plan, 'api').needs).toEqual(['db', 'cache']);
  });

  it('is byte-identical whatever order maps were written in', () => {
    const a = planOf(
      single('services:\n  - { name: app, image: "nginx:1.27", environment: { B: "2", A: "1" } }\n'),
    );
    const b = planOf(
      single('services:\n  - { name: app, image: "nginx:1.27", environment: { A: "1", B: "2" } }\n'),
    );
    expect(serializePlan(a)).toBe(serializePlan(b));
    expect(Object.keys(container(a, 'app').env)).toEqual(['A', 'B', 'TZ']);
  });
});

describe('resolve: image overrides', () => {
  const spec = single(`system:
  registryMirror: mirror.lan:5000
services:
  - { name: app, image: "ghcr.io/acme/app:1.2@sha256:${'a'.repeat(64)}" }
  - { name: db, image: "docker.io/library/postgres:16" }
`);

  it('pulls every image through the spec mirror', () => {
    const plan = planOf(spec);
    expect(container(plan, 'traefik').image).toBe('mirror.lan:5000/traefik:v3.1');
    expect(container(plan, 'dokploy').image).toBe('mirror.lan:5000/dokploy/dokploy:latest');
    expect(container(plan, 'app').image).toBe(
      `mirror.lan:5000/ghcr.io/acme/app:1.2@sha256:${'a'.repeat(64)}`,
    );
    expect(container(plan, 'db').image).toBe('mirror.lan:5000/postgres:16');
  });

  it('lets the options win: a mirror, and exact images per service', () => {
    const plan = planOf(spec, {
      mirror: 'registry.local:5000',
      images: { traefik: 'kombify-test/traefik:local', nothere: 'x:1' },
    });
    expect(container(plan, 'traefik').image).toBe('kombify-test/traefik:local');
    expect(container(plan, 'whoami').image).toBe('registry.local:5000/traefik/whoami:latest');
  });

  it('refuses malformed options', () => {
    const { spec: s } = parseSpec(single());
    expect(() => resolve(s!, { mirror: 'http://registry' })).toThrow(TypeError);
    expect(() => resolve(s!, { images: { traefik: 'Not An Image' } })).toThrow(/images.traefik/);
  });
});

describe('resolve: modern-homelab', () => {
  const plan = planOf(example('modern-homelab-default'));
  const node = (name: string) => plan.nodes.find((n) => n.name === name)!;

  it('puts Traefik on the cloud node and the core on the manager', () => {
    expect(node('vps').containers.map((c) => c.service)).toEqual([
      'traefik',
      'headscale',
      'dozzle-agent',
      'whoami',
    ]);
    expect(node('home').containers.map((c) => c.service)).toEqual([
      'dokploy',
      'uptime-kuma',
      'dozzle',
      'nextcloud-db',
      'nextcloud',
    ]);
    expect(node('pi').containers.map((c) => c.service)).toEqual(['dozzle-agent', 'home-assistant']);
  });

  it('routes to other nodes through the Traefik file provider', () => {
    const traefik = container(plan, 'traefik');
    expect(traefik.command).toContain('--providers.file.filename=/etc/traefik/dynamic/kombify.yml');
    const dynamic = JSON.parse(traefik.files[0]!.content);
    expect(dynamic.http.services.nextcloud.loadBalancer.servers).toEqual([
      { url: 'http://hybrid-nextcloud:80' },
    ]);
    expect(dynamic.http.services['home-assistant'].loadBalancer.servers).toEqual([
      { url: 'http://192.168.1.30:8123' },
    ]);
    expect(node('home').routes).toEqual([]);
  });

  it('joins the nodes into one Swarm over the VPN', () => {
    expect(plan.swarm).toMatchObject({ leader: 'home', managers: ['home'], workers: ['vps'] });
    const steps = (n: string) => node(n).bootstrap.map((s) => s.step);
    expect(steps('home')).toEqual([
      'timezone',
      'packages',
      'ssh-hardening',
      'firewall',
      'docker',
      'vpn',
      'swarm',
      'backup',
    ]);
    expect(steps('pi')).toEqual([
      'timezone',
      'packages',
      'ssh-hardening',
      'firewall',
      'docker',
      'vpn',
      'backup',
    ]);
    expect(node('vps').bootstrap.find((s) => s.step === 'swarm')).toEqual({
      step: 'swarm',
      role: 'worker',
      action: 'join',
      leader: 'home',
      advertiseAddress: 'tailscale0',
      labels: { 'kombify.node': 'vps' },
    });
    expect(node('pi').bootstrap.find((s) => s.step === 'vpn')).toEqual({
      step: 'vpn',
      provider: 'headscale',
      loginServer: 'https://headscale.example.org',
      authKey: 'secret://kombify/vpn-auth-key',
    });
    expect(node('home').networks).toEqual([
      { name: 'hybrid-net', driver: 'overlay', subnet: '10.20.0.0/16', attachable: true },
    ]);
    expect(node('pi').networks).toEqual([
      { name: 'hybrid-net', driver: 'bridge', subnet: null, attachable: false },
    ]);
  });
});

describe('resolve: ha-homelab', () => {
  const plan = planOf(example('ha-homelab-default'));
  const svc = (name: string) => plan.swarm!.services.find((s) => s.service === name)!;

  it('makes every service a Swarm service with rolling updates', () => {
    expect(containers(plan)).toEqual([]);
    expect(plan.swarm!.update).toEqual({
      parallelism: 1,
      delay: '10s',
      failureAction: 'rollback',
      order: 'start-first',
      monitor: '30s',
    });
    expect(svc('portainer').update.order).toBe('start-first');
    // Host-mode ports: a new Traefik task cannot start while the old one holds :80.
    expect(svc('traefik')).toMatchObject({
      mode: 'global',
      constraints: ['node.role == manager'],
      update: { order: 'stop-first' },
    });
    expect(svc('traefik').ports.map((p) => [p.host, p.publishMode])).toEqual([
      [80, 'host'],
      [443, 'host'],
    ]);
    expect(svc('whoami')).toMatchObject({ mode: 'replicated', replicas: 3, constraints: [] });
    expect(svc('redis').constraints).toEqual(['node.labels.kombify.node == w1']);
    expect(svc('api').constraints).toEqual([]);
    expect(svc('api').healthcheck).toEqual({
      test: ['CMD', 'wget', '-q', '--spider', 'http://localhost:8080/health'],
      interval: '15s',
      timeout: '5s',
      retries: 3,
      startPeriod: '0s',
    });
  });

  it('uses the 10.10.0.0/16 overlay and Traefik on every manager', () => {
    expect(plan.swarm!.network).toEqual({
      name: 'cluster-net',
      driver: 'overlay',
      subnet: '10.10.0.0/16',
      attachable: true,
    });
    expect(plan.nodes.map((n) => [n.name, n.swarmRole, n.routes.length])).toEqual([
      ['m1', 'manager', 6],
      ['m2', 'manager', 6],
      ['m3', 'manager', 6],
      ['w1', 'worker', 0],
      ['w2', 'worker', 0],
    ]);
    expect(svc('api').labels['traefik.http.routers.api.rule']).toBe('Host(`api.lab.example.net`)');
    expect(svc('api').containerLabels).toEqual({
      'kombify.managed': 'true',
      'kombify.service': 'api',
      'kombify.stack': 'cluster',
    });
  });

  it('records quorum and the node-local volume caveat', () => {
    expect(plan.notes.map((n) => n.message)).toContain('3 managers: quorum 2, tolerates 1 manager failure');
  });
});

describe('resolve: refusals', () => {
  it('throws UnifierError with the validation errors for a spec that skipped validation', () => {
    const parsed = kombinationSchema.parse({
      name: 'lab',
      kit: 'base-homelab',
      nodes: [
        { name: 'one', type: 'main' },
        { name: 'two', type: 'main' },
      ],
    });
    const spec = applyDefaults(parsed);
    expect(() => resolve(spec)).toThrow(UnifierError);
    try {
      resolve(spec);
    } catch (error) {
      expect((error as UnifierError).errors.map((e) => [e.path, e.code])).toEqual([
        ['nodes', 'kit_constraint'],
      ]);
    }
  });

  it('notes nodes that OpenTofu can only reach through the local socket', () => {
    const plan = planOf(
      'name: lab\nkit: modern-homelab\nnodes:\n  - { name: one, type: main }\n  - { name: two, type: worker }\n',
    );
    expect(plan.nodes.map((n) => n.dockerHost)).toEqual([
      'unix:///var/run/docker.sock',
      'unix:///var/run/docker.sock',
    ]);
    expect(plan.notes.find((n) => n.code === 'no_ssh')?.message).toMatch(/^one, two have no ssh/);
  });
});

describe('resolve: secret notes', () => {
  const spec = (image: string) => `name: n1
nodes: [{ name: main, type: main }]
services:
  - name: db
    type: database
    image: ${image}
    environmentSecrets: { MARIADB_PASSWORD: secret://db/pw, POSTGRES_PASSWORD: secret://db/pw }
`;
  const codes = (image: string) => {
    const { spec: parsed, errors } = parseSpec(spec(image));
    expect(errors).toEqual([]);
    return resolve(parsed!).notes;
  };

  it('says a deploy delivers secrets from the store, and which databases need a rotated password applied by hand', () => {
    const maria = codes('mariadb:11.4.3');
    expect(maria.find((n) => n.code === 'secrets')?.message).toContain(
      "delivers them from the org's secret store",
    );
    expect(maria.find((n) => n.code === 'secret_rotation_manual')?.message).toMatch(
      /^db: rotating its secrets/,
    );
    // PostgreSQL has a recipe (apply_secrets): no manual note.
    expect(codes('postgres:16-alpine').some((n) => n.code === 'secret_rotation_manual')).toBe(false);
  });
});
