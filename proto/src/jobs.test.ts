import { describe, expect, it } from 'vitest';
import { parseJobParams } from './jobs.ts';

describe('parseJobParams', () => {
  it('accepts a full docker.run and fills defaults', () => {
    const res = parseJobParams('docker.run', {
      image: 'traefik/whoami:latest',
      name: 'whoami',
      command: ['--port', '8080'],
      env: { A: '1' },
      ports: [{ container: 80, host: 9080 }],
      labels: { team: 'x' },
    });
    expect(res).toEqual({
      ok: true,
      value: expect.objectContaining({ ports: [{ container: 80, host: 9080, protocol: 'tcp' }] }),
    });
  });

  it('reports every problem with its path', () => {
    const res = parseJobParams('docker.run', {
      name: 'bad name!',
      env: { '1X': 'v' },
      ports: [{ container: 0, host: 80 }],
      surprise: true,
    });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    const paths = res.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(['params.image', 'params.name', 'params.env.1X', 'params.ports[0].container']),
    );
    expect(res.issues.find((i) => i.path === 'params.image')?.code).toBe('required');
    expect(res.issues.some((i) => i.code === 'unrecognized_keys')).toBe(true);
  });

  it('refuses unknown job types and names the known ones', () => {
    const res = parseJobParams('rm.rf', {});
    expect(res).toEqual({
      ok: false,
      issues: [{ path: 'type', code: 'invalid_value', message: expect.stringContaining('docker.run') }],
    });
  });

  it('refuses reserved kombify.* labels', () => {
    const res = parseJobParams('docker.run', {
      image: 'i',
      name: 'n',
      labels: { 'kombify.managed': 'false' },
    });
    expect(res.ok).toBe(false);
  });

  it('treats missing params as empty for node.facts and refuses params it does not take', () => {
    expect(parseJobParams('node.facts', undefined).ok).toBe(true);
    expect(parseJobParams('node.facts', { x: 1 }).ok).toBe(false);
  });
});

describe('stack.converge params', () => {
  const service = { service: 'web', name: 's1-web', image: 'kombify/busybox:test' };

  it('fills the contract defaults', () => {
    const res = parseJobParams('stack.converge', { stack: 's1', node: 'n1', services: [service] });
    expect(res).toEqual({
      ok: true,
      value: {
        stack: 's1',
        node: 'n1',
        networks: [],
        volumes: [],
        services: [{ ...service, restart: 'unless-stopped' }],
        secrets: [],
        pull: 'missing',
        remove_orphans: true,
        dry_run: false,
      },
    });
  });

  it('refuses a secret a service uses but the job does not declare, and a path with ..', () => {
    const res = parseJobParams('stack.converge', {
      stack: 's1',
      node: 'n1',
      secrets: ['db/password'],
      services: [
        {
          ...service,
          secret_env: { A: 'db/password', B: 'db/other' },
          files: [{ path: '/run/x', secret: 'a/../b' }],
        },
      ],
    });
    expect(res.ok).toBe(false);
    const paths = res.ok ? [] : res.issues.map((i) => i.path);
    expect(paths).toContain('params.services[0].secret_env.B');
    expect(paths).toContain('params.services[0].files[0].secret');
    expect(paths).not.toContain('params.services[0].secret_env.A');
  });

  it('accepts a full service', () => {
    const res = parseJobParams('stack.converge', {
      stack: 's1',
      node: 'n1',
      networks: [{ name: 's1-net', internal: true }],
      volumes: [{ name: 's1-data' }],
      services: [
        {
          ...service,
          command: ['httpd', '-f'],
          env: { TZ: 'UTC' },
          ports: [{ container: 80, host: 8080, host_ip: '127.0.0.1' }],
          mounts: [
            { type: 'volume', source: 's1-data', target: '/data' },
            { type: 'bind', source: '/etc/hostname', target: '/h', read_only: true },
            { type: 'tmpfs', target: '/tmp' },
          ],
          labels: { team: 'a' },
          restart: 'on-failure',
          healthcheck: { test: ['CMD', 'true'], interval_s: 2, retries: 3 },
          networks: ['s1-net'],
        },
      ],
      pull: 'never',
      dry_run: true,
    });
    expect(res.ok).toBe(true);
  });

  it('reports each problem at its field path', () => {
    const res = parseJobParams('stack.converge', {
      stack: 'bad stack',
      node: 'n1',
      networks: [{ name: 'a' }, { name: 'a' }],
      services: [
        {
          service: 'web',
          name: 'w',
          image: '',
          restart: 'sometimes',
          labels: { 'kombify.stack': 'x' },
          ports: [{ container: 80, host: 8080 }],
          mounts: [
            { type: 'volume', source: 'undeclared', target: 'rel' },
            { type: 'tmpfs', source: 'x', target: '/t' },
            { type: 'bind', source: '/a:b', target: '/t' },
          ],
          networks: ['missing'],
          healthcheck: { test: [] },
        },
        { service: 'web', name: 'w2', image: 'i', ports: [{ container: 81, host: 8080 }] },
      ],
      pull: 'sometimes',
    });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    const paths = res.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'params.stack',
        'params.services[0].image',
        'params.services[0].restart',
        'params.services[0].labels.kombify.stack',
        'params.services[0].mounts[0].target',
        'params.services[0].mounts[1].source',
        'params.services[0].mounts[2].source',
        'params.services[0].healthcheck.test',
        'params.pull',
      ]),
    );
  });

  it('checks names across the whole request once the fields are valid', () => {
    const res = parseJobParams('stack.converge', {
      stack: 's1',
      node: 'n1',
      networks: [{ name: 'a' }, { name: 'a' }],
      services: [
        {
          ...service,
          ports: [{ container: 80, host: 8080 }],
          mounts: [{ type: 'volume', source: 'undeclared', target: '/d' }],
          networks: ['missing'],
        },
        { service: 'web', name: 's1-web', image: 'i', ports: [{ container: 81, host: 8080 }] },
      ],
    });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.issues.map((i) => [i.path, i.message])).toEqual(
      expect.arrayContaining([
        ['params.networks[1].name', 'duplicate network "a"'],
        ['params.services[1].service', 'duplicate service "web"'],
        ['params.services[1].name', 'duplicate container name "s1-web"'],
        ['params.services[1].ports[0].host', 'duplicate host port "*:8080/tcp"'],
        ['params.services[0].networks[0]', 'network "missing" is not declared in networks'],
        ['params.services[0].mounts[0].source', 'volume "undeclared" is not declared in volumes'],
      ]),
    );
  });
});

describe('stack.remove, stack.verify and node.prechecks params', () => {
  it('stack.remove keeps volumes unless asked', () => {
    expect(parseJobParams('stack.remove', { stack: 's1' })).toEqual({
      ok: true,
      value: { stack: 's1', volumes: false },
    });
    const bad = parseJobParams('stack.remove', { node: 'x y' });
    expect(bad.ok ? [] : bad.issues.map((i) => i.path)).toEqual(['params.stack', 'params.node']);
  });

  it('stack.verify fills defaults and needs at least one check', () => {
    expect(parseJobParams('stack.verify', { checks: [{ service: 'web', kind: 'tcp', port: 80 }] })).toEqual({
      ok: true,
      value: {
        checks: [
          {
            service: 'web',
            kind: 'tcp',
            host: '127.0.0.1',
            port: 80,
            path: '/',
            timeout_s: 30,
            interval_s: 1,
          },
        ],
      },
    });
    const bad = parseJobParams('stack.verify', {
      checks: [{ service: 'web', kind: 'ftp', port: 70000, path: 'x', expect_status: [99] }],
    });
    expect(bad.ok ? [] : bad.issues.map((i) => i.path)).toEqual([
      'params.checks[0].kind',
      'params.checks[0].port',
      'params.checks[0].path',
      'params.checks[0].expect_status[0]',
    ]);
    expect(parseJobParams('stack.verify', { checks: [] }).ok).toBe(false);
  });

  it('node.prechecks takes only known limits', () => {
    expect(parseJobParams('node.prechecks', {}).ok).toBe(true);
    expect(
      parseJobParams('node.prechecks', {
        ports: [80],
        min_disk_mb: 100,
        min_ram_mb: 64,
        min_docker_version: '24.0',
      }).ok,
    ).toBe(true);
    const bad = parseJobParams('node.prechecks', { ports: [0], min_docker_version: 'latest', extra: 1 });
    expect(bad.ok ? [] : bad.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['params.ports[0]', 'params.min_docker_version']),
    );
  });
});
