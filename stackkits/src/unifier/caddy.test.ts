/**
 * Caddy as the stack's proxy (network.proxy.provider caddy): the Caddyfile text for small route
 * sets, the TLS choice per kind of host, and what resolve and the converge jobs make of a spec
 * that asks for Caddy.
 */
import { parseJobParams } from '@kombify/proto/jobs';
import { describe, expect, it } from 'vitest';
import { caddyfile, caddyTls, needsInternalCa } from '../../platforms/docker/caddy.ts';
import { toConvergeJobs } from '../generate/to-converge.ts';
import { toOpenTofu } from '../generate/to-open-tofu.ts';
import { parseSpec } from '../spec/validate.ts';
import type { Plan, PlanRoute } from './plan.ts';
import { type ResolveOptions, resolve } from './resolve.ts';

const route = (host: string, upstream: string, tls: PlanRoute['tls'] = 'auto'): PlanRoute => ({
  service: host.split('.')[0] as string,
  host,
  url: `${tls === 'disabled' ? 'http' : 'https'}://${host}`,
  entrypoint: tls === 'disabled' ? 'web' : 'websecure',
  tls,
  port: Number(upstream.split(':').at(-1)),
  node: 'server',
  upstream: { kind: 'url', url: `http://${upstream}` },
});

const auto = { email: null, internalTls: false };

describe('caddyfile', () => {
  it('writes one site block per host with its upstream, ACME for a public name', () => {
    expect(caddyfile([route('app.example.com', 'lab-app:8080')], auto)).toBe(
      'app.example.com {\n\treverse_proxy lab-app:8080\n}\n',
    );
  });

  it('adds the ACME e-mail as a global option, then the sites in route order', () => {
    const text = caddyfile(
      [route('b.example.com', 'lab-b:80'), route('a.example.com', '192.168.1.30:8123')],
      { email: 'ops@example.com', internalTls: false },
    );
    expect(text).toBe(
      [
        '{\n\temail ops@example.com\n}\n',
        'b.example.com {\n\treverse_proxy lab-b:80\n}\n',
        'a.example.com {\n\treverse_proxy 192.168.1.30:8123\n}\n',
      ].join('\n'),
    );
  });

  it("serves LAN names from Caddy's internal CA and tls disabled as plain http", () => {
    const text = caddyfile(
      [route('logs.home.lan', 'lab-dozzle:8080'), route('plain.example.com', 'lab-plain:80', 'disabled')],
      auto,
    );
    expect(text).toBe(
      'logs.home.lan {\n\ttls internal\n\treverse_proxy lab-dozzle:8080\n}\n\n' +
        'http://plain.example.com {\n\treverse_proxy lab-plain:80\n}\n',
    );
  });

  it('uses the internal CA for every auto route when told to (a simulation), never for plain http', () => {
    const text = caddyfile(
      [route('app.example.com', 'lab-app:80'), route('plain.example.com', 'lab-plain:80', 'disabled')],
      { email: null, internalTls: true },
    );
    expect(text).toBe(
      'app.example.com {\n\ttls internal\n\treverse_proxy lab-app:80\n}\n\n' +
        'http://plain.example.com {\n\treverse_proxy lab-plain:80\n}\n',
    );
  });

  it('brackets IPv6 upstreams as it was given them', () => {
    expect(caddyfile([route('pi.example.com', '[fd00::30]:8123')], auto)).toBe(
      'pi.example.com {\n\treverse_proxy [fd00::30]:8123\n}\n',
    );
  });

  it('says so in a comment when there is nothing to route', () => {
    expect(caddyfile([], auto)).toBe('# No routes: network.access is ports, or no service is routed.\n');
  });

  it('refuses hosts, upstreams and e-mails that would be Caddyfile syntax', () => {
    expect(() => caddyfile([route('app.example.com {', 'lab-app:80')], auto)).toThrow(TypeError);
    expect(() => caddyfile([route('app.example.com\nevil.com', 'lab-app:80')], auto)).toThrow(
      /not a host name/,
    );
    expect(() => caddyfile([route('App.Example.com', 'lab-app:80')], auto)).toThrow(/not a host name/);
    expect(() => caddyfile([route('app.example.com', 'lab-app:80 {')], auto)).toThrow(/not an upstream/);
    expect(() => caddyfile([route('app.example.com', 'lab-app')], auto)).toThrow(/not an upstream/);
    const https = {
      ...route('app.example.com', 'x:1'),
      upstream: { kind: 'url' as const, url: 'https://x:1' },
    };
    expect(() => caddyfile([https], auto)).toThrow(/not an upstream/);
    const labels = { ...route('app.example.com', 'x:1'), upstream: { kind: 'labels' as const } };
    expect(() => caddyfile([labels], auto)).toThrow(/labels/);
    expect(() => caddyfile([], { email: 'ops@example.com\n}', internalTls: false })).toThrow(/e-mail/);
    expect(() => caddyfile([route('a.example.com', 'x:1'), route('a.example.com', 'y:1')], auto)).toThrow(
      /routed twice/,
    );
  });
});

describe('caddyTls', () => {
  it.each([
    ['app.example.com', 'acme'],
    ['deploy.home.example.org', 'acme'],
    ['app.home.lan', 'internal'],
    ['nas.local', 'internal'],
    ['router.home.arpa', 'internal'],
    ['svc.corp.internal', 'internal'],
    ['localhost', 'internal'],
    ['app.localhost', 'internal'],
    ['nas', 'internal'],
    ['192.168.1.10', 'internal'],
    ['[fd00::1]', 'internal'],
  ] as const)('%s → %s', (host, tls) => {
    expect(caddyTls({ host, tls: 'auto' }, false)).toBe(tls);
  });

  it('follows the route: disabled is plain http, manual is not something Caddy can do here', () => {
    expect(caddyTls({ host: 'app.example.com', tls: 'disabled' }, true)).toBe('none');
    expect(() => caddyTls({ host: 'app.example.com', tls: 'manual' }, false)).toThrow(/manual/);
    expect(caddyTls({ host: 'app.example.com', tls: 'auto' }, true)).toBe('internal');
  });

  it('tells public names from private ones', () => {
    expect(needsInternalCa('example.com')).toBe(false);
    expect(needsInternalCa('10.0.0.5')).toBe(true);
    expect(needsInternalCa('fd00::1')).toBe(true);
  });
});

const lab = (network: string, services = '') => `name: lab
nodes:
  - { name: server, type: main, ssh: { host: 10.0.0.2 }, resources: { cpu: 4, memory: 8Gi, disk: 100Gi } }
network:
${network}${services}`;

const caddyLab = (domain: string, services = '') =>
  lab(`  domain: ${domain}\n  proxy: { provider: caddy, email: ops@example.com }\n`, services);

function planOf(text: string, options?: ResolveOptions): Plan {
  const { spec, errors } = parseSpec(text);
  expect(errors).toEqual([]);
  return resolve(spec!, options);
}

const containers = (plan: Plan) => plan.nodes.flatMap((n) => n.containers);
const caddyOf = (plan: Plan) => containers(plan).find((c) => c.service === 'caddy')!;

describe('resolve with network.proxy.provider caddy', () => {
  it('runs caddy in place of traefik, with the Caddyfile, its data volume and ports 80, 443 and 443/udp (HTTP/3)', () => {
    const plan = planOf(caddyLab('example.com'));
    expect(plan.order).toEqual(['caddy', 'dokploy', 'uptime-kuma', 'dozzle', 'whoami']);
    expect(containers(plan).some((c) => c.service === 'traefik' || c.image.startsWith('traefik:v'))).toBe(
      false,
    );
    const caddy = caddyOf(plan);
    expect(caddy).toMatchObject({
      name: 'lab-caddy',
      image: 'caddy:2.8.4',
      command: null,
      ports: [
        { container: 80, host: 80, protocol: 'tcp', hostIp: null },
        { container: 443, host: 443, protocol: 'tcp', hostIp: null },
        { container: 443, host: 443, protocol: 'udp', hostIp: null },
      ],
      volumes: [{ type: 'volume', source: 'lab-caddy-data', target: '/data', readOnly: false }],
    });
    expect(caddy.files).toEqual([
      {
        path: '/etc/caddy/Caddyfile',
        content: [
          '{\n\temail ops@example.com\n}\n',
          'deploy.example.com {\n\treverse_proxy lab-dokploy:3000\n}\n',
          'status.example.com {\n\treverse_proxy lab-uptime-kuma:3001\n}\n',
          'logs.example.com {\n\treverse_proxy lab-dozzle:8080\n}\n',
          'whoami.example.com {\n\treverse_proxy lab-whoami:80\n}\n',
        ].join('\n'),
        secret: null,
      },
    ]);
    // Every kit service waits for the proxy, as it waited for Traefik; no container carries
    // Traefik labels (Caddy reads none).
    expect(containers(plan).find((c) => c.service === 'dokploy')?.needs).toEqual(['caddy']);
    for (const c of containers(plan))
      expect(Object.keys(c.labels).filter((k) => k.startsWith('traefik.'))).toEqual([]);
    expect(plan.nodes[0]?.volumes.map((v) => v.name)).toContain('lab-caddy-data');
    // The node's firewall lets HTTP/3 in as well as HTTPS.
    const firewall = plan.nodes[0]?.bootstrap.find((b) => b.step === 'firewall');
    expect(firewall?.step === 'firewall' ? firewall.allow.filter((r) => r.reason === 'caddy') : []).toEqual([
      { port: 80, protocol: 'tcp', reason: 'caddy' },
      { port: 443, protocol: 'tcp', reason: 'caddy' },
      { port: 443, protocol: 'udp', reason: 'caddy' },
    ]);
    expect(plan.nodes[0]?.routes.map((r) => r.upstream)).toContainEqual({
      kind: 'url',
      url: 'http://lab-whoami:80',
    });
  });

  it("serves a LAN domain from Caddy's internal CA, and every route when proxyTls is internal", () => {
    const lan = caddyOf(planOf(caddyLab('home.lan'))).files[0]?.content ?? '';
    expect(lan).toContain('whoami.home.lan {\n\ttls internal\n\treverse_proxy lab-whoami:80\n}\n');
    expect(lan.match(/tls internal/g)).toHaveLength(4);

    const publicPlan = planOf(caddyLab('example.com'));
    expect(caddyOf(publicPlan).files[0]?.content).not.toContain('tls internal');
    expect(publicPlan.notes.map((n) => n.code)).not.toContain('proxy_internal_ca');
    const simulatedPlan = planOf(caddyLab('example.com'), { proxyTls: 'internal' });
    expect(caddyOf(simulatedPlan).files[0]?.content.match(/tls internal/g)).toHaveLength(4);
    // The plan says which hosts need Caddy's root certificate to be trusted.
    expect(simulatedPlan.notes.find((n) => n.code === 'proxy_internal_ca')?.message).toMatch(
      /^caddy signs deploy\.example\.com, status\.example\.com, logs\.example\.com, whoami\.example\.com with its own CA \(proxyTls internal\)/,
    );
    expect(planOf(caddyLab('home.lan')).notes.find((n) => n.code === 'proxy_internal_ca')?.message).toContain(
      '(no public CA issues for these names)',
    );
  });

  it('refuses a malformed proxyTls option', () => {
    const { spec } = parseSpec(caddyLab('example.com'));
    expect(() => resolve(spec!, { proxyTls: 'acme' as never })).toThrow(TypeError);
  });

  it('keeps traefik when the spec names no provider, and gives traefik the e-mail too', () => {
    const plain = planOf(lab('  domain: example.com\n'));
    expect(plain.order[0]).toBe('traefik');
    expect(containers(plain).some((c) => c.service === 'caddy')).toBe(false);
    const withEmail = planOf(lab('  domain: example.com\n  proxy: { email: ops@example.com }\n'));
    const traefik = containers(withEmail).find((c) => c.service === 'traefik')!;
    expect(traefik.command).toContain('--certificatesresolvers.letsencrypt.acme.email=ops@example.com');
    expect(
      containers(plain)
        .find((c) => c.service === 'traefik')
        ?.command?.join(' '),
    ).not.toContain('email');
  });

  it("routes an edge node's service at its address and published port in modern-homelab", () => {
    const plan = planOf(`name: hybrid
kit: modern-homelab
nodes:
  - { name: home, type: main, ssh: { host: 192.168.1.20 }, resources: { cpu: 4, memory: 8Gi } }
  - { name: vps, type: worker, provider: hetzner, ssh: { host: 198.51.100.7 } }
  - { name: pi, type: edge, ssh: { host: 192.168.1.30 } }
network:
  vpn: headscale
  domain: example.org
  proxy: { provider: caddy }
services:
  - { name: ha, image: "ghcr.io/home-assistant/home-assistant:stable", node: pi, ports: [{ container: 8123, host: 8123 }] }
`);
    const vps = plan.nodes.find((n) => n.name === 'vps')!;
    const caddy = vps.containers.find((c) => c.service === 'caddy')!;
    const text = caddy.files[0]?.content ?? '';
    expect(text).toContain('ha.example.org {\n\treverse_proxy 192.168.1.30:8123\n}\n');
    expect(text).toContain('deploy.example.org {\n\treverse_proxy hybrid-dokploy:3000\n}\n');
    expect(text).toContain('headscale.example.org {\n\treverse_proxy hybrid-headscale:8080\n}\n');
  });
});

describe('converge jobs of a caddy stack', () => {
  const services = `services:
  - { name: app, image: "nginx:1.27", ports: [{ container: 80 }], network: { proxy: { domain: app.example.com } } }
`;

  it('pass the stack.converge schema and carry the Caddyfile', () => {
    const plan = planOf(caddyLab('example.com', services));
    const [job] = toConvergeJobs(plan);
    const parsed = parseJobParams('stack.converge', job!.params);
    expect(parsed.ok ? [] : parsed.issues).toEqual([]);
    const caddy = job!.params.services.find((s) => s.service === 'caddy')!;
    const content = caddyOf(plan).files[0]!.content;
    expect(content).toContain('app.example.com {\n\treverse_proxy lab-app:80\n}\n');
    expect(caddy.files).toEqual([{ path: '/etc/caddy/Caddyfile', content }]);
    expect(caddy.mounts).toContainEqual({
      type: 'volume',
      source: 'lab-caddy-data',
      target: '/data',
      read_only: false,
    });
    expect(job!.params.volumes).toContainEqual({ name: 'lab-caddy-data' });
    expect(job!.unsupported).toEqual([]);
  });

  it('changing one route changes only the Caddy service of the job', () => {
    const before = toConvergeJobs(planOf(caddyLab('example.com', services)))[0]!.params.services;
    const after = toConvergeJobs(
      planOf(caddyLab('example.com', services.replace('app.example.com', 'www.example.com'))),
    )[0]!.params.services;
    const changed = after
      .filter((s, i) => JSON.stringify(s) !== JSON.stringify(before[i]))
      .map((s) => s.service);
    expect(changed).toEqual(['caddy']);
    const file = (list: typeof before) => list.find((s) => s.service === 'caddy')?.files?.[0];
    expect(file(before)?.content).toContain('app.example.com {');
    expect(file(after)?.content).toContain('www.example.com {');
    expect(file(after)?.content).not.toContain('app.example.com');
  });

  it('OpenTofu uploads the same Caddyfile into the caddy container', () => {
    const plan = planOf(caddyLab('example.com', services));
    const main = JSON.parse(toOpenTofu(plan)['main.tf.json'] as string);
    const blocks = Object.values(main.resource.docker_container) as { name: string; upload?: unknown }[];
    expect(blocks.find((b) => b.name === 'lab-caddy')?.upload).toEqual([
      { file: '/etc/caddy/Caddyfile', content: caddyOf(plan).files[0]?.content },
    ]);
    expect(blocks.some((b) => b.name === 'lab-traefik')).toBe(false);
  });
});
