import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJobParams } from '@kombify/proto/jobs';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../spec/validate.ts';
import { type ResolveOptions, resolve } from '../unifier/resolve.ts';
import { durationSeconds, toConvergeJobs, toVerifyChecks } from './to-converge.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const example = (name: string) => readFileSync(join(root, 'examples', `${name}.yaml`), 'utf8');
const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.yaml'));

function planOf(text: string, options?: ResolveOptions) {
  const { spec, errors } = parseSpec(text);
  expect(errors).toEqual([]);
  return resolve(spec!, options);
}

describe('toConvergeJobs', () => {
  it.each(examples)('%s: every node job passes the stack.converge schema unchanged', (file) => {
    for (const job of toConvergeJobs(planOf(readFileSync(join(root, 'examples', file), 'utf8')))) {
      const parsed = parseJobParams('stack.converge', job.params);
      expect(parsed.ok ? [] : parsed.issues, `${file} ${job.node}`).toEqual([]);
      // Defaults are already filled in: the params are what the agent will run.
      if (parsed.ok) expect(parsed.value).toEqual(job.params);
    }
  });

  it('base-homelab minimal: one node with its network, volumes and containers in dependency order', () => {
    const plan = planOf(example('base-homelab-minimal'));
    const jobs = toConvergeJobs(plan);
    expect(jobs.map((j) => j.node)).toEqual(['pi']);
    const { params, unsupported } = jobs[0]!;
    expect(params).toMatchObject({
      stack: 'tiny',
      node: 'pi',
      networks: [{ name: 'tiny-net' }],
      pull: 'missing',
      remove_orphans: true,
      dry_run: false,
    });
    expect(params.volumes.map((v) => v.name)).toEqual([
      'tiny-traefik-certs',
      'tiny-dockge-data',
      'tiny-portainer-data',
      'tiny-netdata-config',
      'tiny-netdata-lib',
      'tiny-netdata-cache',
    ]);
    expect(params.services.map((s) => s.service)).toEqual(plan.order);
    const traefik = params.services[0]!;
    expect(traefik).toMatchObject({
      name: 'tiny-traefik',
      image: 'traefik:v3.1',
      restart: 'unless-stopped',
      networks: ['tiny-net'],
      env: { TZ: 'UTC' },
      ports: [
        { container: 80, host: 80, protocol: 'tcp' },
        { container: 443, host: 443, protocol: 'tcp' },
        { container: 8080, host: 8080, protocol: 'tcp' },
      ],
      mounts: [
        { type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock', read_only: true },
        { type: 'volume', source: 'tiny-traefik-certs', target: '/letsencrypt', read_only: false },
      ],
      healthcheck: {
        test: ['CMD', 'traefik', 'healthcheck', '--ping'],
        interval_s: 10,
        timeout_s: 5,
        retries: 3,
        start_period_s: 10,
      },
    });
    expect(traefik.command).toContain('--ping=true');
    // The agent sets kombify.* itself; the job format refuses them.
    expect(Object.keys(traefik.labels ?? {}).filter((k) => k.startsWith('kombify.'))).toEqual([]);
    // The kit's default subnet is not forced (it would clash with another stack on the engine).
    expect(params.networks).toEqual([{ name: 'tiny-net' }]);
    expect(traefik.logging).toEqual({ driver: 'json-file', options: { 'max-file': '3', 'max-size': '10m' } });
    expect(params.secrets).toEqual([]);
    expect(unsupported).toEqual([]);
  });

  it('every example: nothing but Swarm parts is left unsupported', () => {
    for (const file of examples) {
      for (const job of toConvergeJobs(planOf(readFileSync(join(root, 'examples', file), 'utf8')))) {
        const left = job.unsupported.filter(
          (u) => !/^(swarm service|overlay network|networks: .* not attached)/.test(u),
        );
        expect(left, `${file} ${job.node}`).toEqual([]);
      }
    }
  });

  it('a spec subnet, entrypoint, user, aliases, limits and files reach the job', () => {
    const plan = planOf(`name: t2
nodes: [{ name: n1, type: main }]
network: { internal: { subnet: 10.77.0.0/16 } }
services:
  - name: web
    image: kombify/busybox:test
    entrypoint: [/bin/sh, -c]
    user: "1000:1000"
    network: { aliases: [www] }
    resources: { cpus: 0.5, memory: 64Mi }
    files:
      - { path: /etc/web/site.conf, content: "listen 80" }
      - { path: /run/secrets/token, secret: secret://web/token }
`);
    const [job] = toConvergeJobs(plan);
    expect(job?.params.networks).toEqual([{ name: 't2-net', subnet: '10.77.0.0/16' }]);
    expect(job?.params.secrets).toEqual(['web/token']);
    expect(job?.params.services.find((s) => s.service === 'web')).toMatchObject({
      entrypoint: ['/bin/sh', '-c'],
      user: '1000:1000',
      aliases: ['www'],
      resources: { nano_cpus: 500_000_000, memory_bytes: 64 * 2 ** 20 },
      files: [
        { path: '/etc/web/site.conf', content: 'listen 80' },
        { path: '/run/secrets/token', secret: 'web/token' },
      ],
    });
    expect(parseJobParams('stack.converge', job?.params).ok).toBe(true);
  });

  it('base-homelab default: passes secret references (never values) and takes the stack id and image overrides', () => {
    const plan = planOf(example('base-homelab-default'), { images: { postgres: 'kombify/busybox:test' } });
    const [job] = toConvergeJobs(plan, { stack: 'stk_123' });
    expect(job?.params.stack).toBe('stk_123');
    expect(job?.params.services.map((s) => s.service)).toEqual(plan.order);
    const postgres = job?.params.services.find((s) => s.service === 'postgres');
    expect(postgres).toMatchObject({
      image: 'kombify/busybox:test',
      env: { POSTGRES_DB: 'app', TZ: 'UTC' },
      ports: [{ container: 5432, host: 5432, protocol: 'tcp' }],
      mounts: [
        { type: 'volume', source: 'homelab-pg-data', target: '/var/lib/postgresql/data', read_only: false },
      ],
    });
    expect(postgres?.env).not.toHaveProperty('POSTGRES_PASSWORD');
    expect(postgres?.secret_env).toEqual({ POSTGRES_PASSWORD: 'postgres/password' });
    expect(job?.params.secrets).toContain('postgres/password');
    expect(JSON.stringify(job)).not.toContain('secret://');
    // A busybox stand-in has no rotation recipe; the real image does (below).
    expect(postgres?.apply_secrets).toBeUndefined();
    const real = toConvergeJobs(planOf(example('base-homelab-default')))[0]?.params.services;
    const hook = real?.find((s) => s.service === 'postgres')?.apply_secrets;
    expect(hook?.exec.join(' ')).toMatch(/ALTER ROLE .* PASSWORD :'pw'/);
    expect(hook?.exec.join(' ')).toContain('\\getenv pw POSTGRES_PASSWORD');
    expect(real?.find((s) => s.service === 'app')?.apply_secrets).toBeUndefined();
  });

  it('modern-homelab: containers of a Swarm overlay are listed as not attached', () => {
    const jobs = toConvergeJobs(planOf(example('modern-homelab-default')));
    const vps = jobs.find((j) => j.node === 'vps');
    expect(vps?.params.networks).toEqual([]);
    expect(vps?.params.services.every((s) => s.networks === undefined)).toBe(true);
    expect(vps?.unsupported).toContain('networks: traefik not attached to hybrid-net');
    expect(jobs.find((j) => j.node === 'pi')?.params.networks).toEqual([{ name: 'hybrid-net' }]);
  });

  it('skips unpublished ports and keeps a customised health check', () => {
    const plan = planOf(`name: t1
nodes: [{ name: n1, type: main }]
services:
  - name: web
    image: kombify/busybox:test
    command: [httpd, -f, -p, "8000"]
    ports: [{ container: 8000, host: 18000 }, { container: 9000 }]
    healthCheck: { command: [CMD-SHELL, "wget -q -O /dev/null http://127.0.0.1:8000/"], interval: 500ms, timeout: 2s, retries: 5 }
`);
    const web = toConvergeJobs(plan)[0]?.params.services.find((s) => s.service === 'web');
    expect(web?.ports).toEqual([{ container: 8000, host: 18000, protocol: 'tcp' }]);
    expect(web?.healthcheck).toEqual({
      test: ['CMD-SHELL', 'wget -q -O /dev/null http://127.0.0.1:8000/'],
      interval_s: 0.5,
      timeout_s: 2,
      retries: 5,
      start_period_s: 0,
    });
  });
});

describe('toVerifyChecks', () => {
  it('base-homelab minimal: http for the catalog web ports, tcp for TLS and the proxy entry points', () => {
    const checks = toVerifyChecks(planOf(example('base-homelab-minimal')), { timeout_s: 10 });
    expect(checks.map((c) => c.node)).toEqual(['pi']);
    expect(checks[0]?.params.checks.map((c) => `${c.service}:${c.port}:${c.kind}`)).toEqual([
      'traefik:80:tcp',
      'traefik:443:tcp',
      'traefik:8080:http',
      'dockge:5001:http',
      'portainer:9000:http',
      'portainer:9443:tcp',
      'netdata:19999:http',
      'dozzle:8888:http',
    ]);
    expect(checks[0]?.params.checks[0]).toEqual({
      service: 'traefik',
      kind: 'tcp',
      host: '127.0.0.1',
      port: 80,
      path: '/',
      timeout_s: 10,
      interval_s: 1,
    });
    expect(parseJobParams('stack.verify', checks[0]?.params).ok).toBe(true);
  });

  it('base-homelab coolify: one real HTTPS check per TLS route of the node’s proxy, by SNI', () => {
    const [node] = toVerifyChecks(planOf(example('base-homelab-coolify')));
    const https = node?.params.checks.filter((c) => c.kind === 'https') ?? [];
    expect(https.map((c) => `${c.service}:${c.sni}:${c.port}`)).toEqual([
      'traefik:traefik.example.com:443',
      'coolify:coolify.example.com:443',
      'uptime-kuma:status.example.com:443',
      'dozzle:logs.example.com:443',
      'whoami:whoami.example.com:443',
      'blog:blog.example.com:443',
    ]);
    // status-page has tls disabled: no https check for it.
    expect(https.some((c) => c.service === 'status-page')).toBe(false);
    expect(parseJobParams('stack.verify', node?.params).ok).toBe(true);
  });

  it('base-homelab default: a database and an unknown user service get tcp checks', () => {
    const checks = toVerifyChecks(planOf(example('base-homelab-default')))[0]?.params.checks ?? [];
    expect(checks.find((c) => c.service === 'postgres')?.kind).toBe('tcp');
    expect(checks.find((c) => c.service === 'app')).toMatchObject({ kind: 'tcp', port: 8081 });
  });
});

describe('durationSeconds', () => {
  it('reads the spec duration units', () => {
    expect([
      durationSeconds('500ms'),
      durationSeconds('10s'),
      durationSeconds('2m'),
      durationSeconds('1h'),
    ]).toEqual([0.5, 10, 120, 3600]);
    expect(() => durationSeconds('10')).toThrow('not a duration');
  });
});
