import { stackConvergeParams } from '@kombify/proto/jobs';
import { describe, expect, it } from 'vitest';
import { containerOptions, healthTest } from './container-options.ts';

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
