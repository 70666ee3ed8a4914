import { stackConvergeParams } from '@kombify/proto/jobs';
import { describe, expect, it } from 'vitest';
import { containerOptions, healthTest } from './container-options.ts';
import { changedParts, containerSpecHash, containerSpecParts } from './spec-hash.ts';

describe('containerOptions', () => {
  it('maps a service to the Docker create options with the stack labels', () => {
    const p = stackConvergeParams.parse({
      stack: 's1',
      node: 'n1',
      networks: [{ name: 'a' }, { name: 'b' }],
      volumes: [{ name: 'v' }],
      services: [
        {
          service: 'web',
          name: 's1-web',
          image: 'img',
          command: ['httpd', '-f'],
          env: { A: '1' },
          ports: [
            { container: 80, host: 8080 },
            { container: 80, host: 8081, host_ip: '127.0.0.1' },
          ],
          mounts: [
            { type: 'volume', source: 'v', target: '/d', read_only: true },
            { type: 'tmpfs', target: '/t' },
            { type: 'bind', source: '/srv/a', target: '/a', read_only: true },
            { type: 'bind', source: '/srv/b', target: '/b' },
          ],
          labels: { team: 'x' },
          restart: 'on-failure',
          healthcheck: { test: ['wget', '-q', 'localhost'], interval_s: 2, timeout_s: 1.5, retries: 3 },
          networks: ['a', 'b'],
        },
      ],
    });
    const opts = containerOptions('s1', 'n1', p.services[0]!, { hash: 'h', parts: 'p' });
    expect(opts).toMatchObject({
      name: 's1-web',
      Image: 'img',
      Cmd: ['httpd', '-f'],
      Env: ['A=1'],
      Labels: {
        team: 'x',
        'kombify.managed': 'true',
        'kombify.stack': 's1',
        'kombify.node': 'n1',
        'kombify.service': 'web',
        'kombify.spec-hash': 'h',
        'kombify.spec-parts': 'p',
      },
      ExposedPorts: { '80/tcp': {} },
      Healthcheck: { Test: ['CMD', 'wget', '-q', 'localhost'], Interval: 2e9, Timeout: 1.5e9, Retries: 3 },
      HostConfig: {
        PortBindings: {
          '80/tcp': [
            { HostIp: '', HostPort: '8080' },
            { HostIp: '127.0.0.1', HostPort: '8081' },
          ],
        },
        RestartPolicy: { Name: 'on-failure' },
        Binds: ['/srv/a:/a:ro', '/srv/b:/b'],
        Mounts: [
          { Type: 'volume', Source: 'v', Target: '/d', ReadOnly: true },
          { Type: 'tmpfs', Source: '', Target: '/t', ReadOnly: false },
        ],
        NetworkMode: 'a',
      },
      NetworkingConfig: { EndpointsConfig: { a: { Aliases: ['web'] } } },
    });
  });

  it('keeps an explicit CMD-SHELL health test as it is', () => {
    expect(healthTest(['CMD-SHELL', 'true'])).toEqual(['CMD-SHELL', 'true']);
    expect(healthTest(['true'])).toEqual(['CMD', 'true']);
  });
});

describe('containerOptions: the parts issue 16 added', () => {
  const p = stackConvergeParams.parse({
    stack: 's1',
    node: 'n1',
    networks: [{ name: 'a', subnet: '10.9.0.0/16' }],
    secrets: ['db/pw'],
    services: [
      {
        service: 'db',
        name: 's1-db',
        image: 'img',
        entrypoint: ['/bin/sh', '-c'],
        user: '999:999',
        aliases: ['database'],
        resources: { nano_cpus: 500_000_000, memory_bytes: 64 * 2 ** 20 },
        secret_env: { POSTGRES_PASSWORD: 'db/pw' },
        logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } },
        networks: ['a'],
      },
    ],
  });
  const service = p.services[0]!;

  it('maps entrypoint, user, limits, log options and aliases; secret env and file binds come from the agent', () => {
    const opts = containerOptions(
      's1',
      'n1',
      service,
      { hash: 'h', parts: 'p' },
      { secretEnv: ['POSTGRES_PASSWORD=v'], fileBinds: ['/x:/etc/x:ro'] },
    );
    expect(opts).toMatchObject({
      Entrypoint: ['/bin/sh', '-c'],
      User: '999:999',
      Env: ['POSTGRES_PASSWORD=v'],
      HostConfig: {
        NanoCpus: 500_000_000,
        Memory: 64 * 2 ** 20,
        LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
        Binds: ['/x:/etc/x:ro'],
      },
      NetworkingConfig: { EndpointsConfig: { a: { Aliases: ['db', 'database'] } } },
    });
  });

  it('a rotated secret (secret_rev) or a changed file changes the spec hash; the value is never in it', () => {
    const base = containerSpecHash(service, p.networks);
    expect(containerSpecHash({ ...service, secret_rev: 'aaaaaaaa' }, p.networks).hash).not.toBe(base.hash);
    const withFile = (content: string) =>
      containerSpecHash({ ...service, files: [{ path: '/etc/x', content }] }, p.networks);
    expect(withFile('one').hash).not.toBe(withFile('two').hash);
    expect(changedParts(withFile('one').parts, withFile('two').parts)).toEqual(['files']);
    expect(JSON.stringify(containerSpecParts(service, p.networks))).not.toContain('=v');
  });
});
