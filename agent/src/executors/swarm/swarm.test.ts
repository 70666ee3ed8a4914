import { parseJobParams, type SwarmServiceParams } from '@kombify/proto/jobs';
import { describe, expect, it } from 'vitest';
import { judgePrechecks } from '../prechecks/judge.ts';
import { defaultRouteAddress, defaultRouteInterface } from './address.ts';
import { serviceSpec } from './service-spec.ts';
import { countTasks } from './wait.ts';

const routes = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
eth0\t00000000\t010012AC\t0003\t0\t0\t0\t00000000\t0\t0\t0
eth0\t000012AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
`;

describe('the advertise address', () => {
  it('is the address of the default route’s interface, not docker0’s', () => {
    expect(defaultRouteInterface(routes)).toBe('eth0');
    const ifaces = {
      docker0: [{ family: 'IPv4', address: '172.17.0.1', internal: false }],
      eth0: [
        { family: 'IPv6', address: 'fe80::1', internal: false },
        { family: 'IPv4', address: '172.18.0.5', internal: false },
      ],
    } as never;
    expect(defaultRouteAddress(routes, ifaces)).toBe('172.18.0.5');
  });

  it('fails clearly without a default route', () => {
    expect(() =>
      defaultRouteAddress(
        routes
          .split('\n')
          .filter((l) => !l.includes('\t00000000\t0100'))
          .join('\n'),
        {},
      ),
    ).toThrow(/no default route/);
  });
});

const service = (over: Partial<Record<string, unknown>> = {}): SwarmServiceParams => {
  const parsed = parseJobParams('swarm.services', {
    stack: 'stk_x',
    members: [{ node: 'm1', role: 'manager' }],
    networks: [{ name: 'lab-net' }],
    secrets: ['api/key'],
    services: [
      {
        service: 'api',
        name: 'lab-api',
        image: 'example/api:1',
        mode: 'replicated',
        replicas: 2,
        ports: [{ container: 8080, host: 8080 }],
        env: { TZ: 'UTC' },
        secret_env: { API_KEY: 'api/key' },
        networks: ['lab-net'],
        mounts: [{ type: 'volume', source: 'data', target: '/data' }],
        update: {
          parallelism: 1,
          delay_s: 10,
          failure_action: 'rollback',
          order: 'start-first',
          monitor_s: 30,
        },
        ...over,
      },
    ],
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return (parsed.value.services as SwarmServiceParams[])[0]!;
};

describe('serviceSpec', () => {
  it('with the routing mesh: VIP and ingress ports, the update and rollback config in nanoseconds', () => {
    const spec = serviceSpec('stk_x', service(), { 'api/key': 's3cret' }, { mesh: true }) as any;
    expect(spec.EndpointSpec).toEqual({
      Mode: 'vip',
      Ports: [{ Protocol: 'tcp', TargetPort: 8080, PublishedPort: 8080, PublishMode: 'ingress' }],
    });
    expect(spec.Mode).toEqual({ Replicated: { Replicas: 2 } });
    expect(spec.UpdateConfig).toMatchObject({
      Order: 'start-first',
      FailureAction: 'rollback',
      Delay: 10e9,
      Monitor: 30e9,
    });
    expect(spec.RollbackConfig.FailureAction).toBe('pause');
    expect(spec.TaskTemplate.ContainerSpec.Env).toEqual(['API_KEY=s3cret', 'TZ=UTC']);
    expect(spec.TaskTemplate.ContainerSpec.Mounts[0].VolumeOptions.Labels['kombify.stack']).toBe('stk_x');
    expect(spec.TaskTemplate.Networks).toEqual([{ Target: 'lab-net', Aliases: ['api'] }]);
    expect(spec.Labels).toMatchObject({ 'kombify.stack': 'stk_x', 'kombify.service': 'api' });
  });

  it('without IPVS: DNS round-robin and host-mode ports', () => {
    const spec = serviceSpec('stk_x', service(), { 'api/key': 's3cret' }, { mesh: false }) as any;
    expect(spec.EndpointSpec.Mode).toBe('dnsrr');
    expect(spec.EndpointSpec.Ports[0].PublishMode).toBe('host');
  });

  it('its hash changes with the image or a secret value, and with nothing else', () => {
    const hash = (s: SwarmServiceParams, v = 's3cret') =>
      serviceSpec('stk_x', s, { 'api/key': v }, { mesh: true }).Labels['kombify.spec-hash'];
    expect(hash(service())).toBe(hash(service()));
    expect(hash(service({ image: 'example/api:2' }))).not.toBe(hash(service()));
    expect(hash(service(), 'rotated')).not.toBe(hash(service()));
    expect(
      JSON.stringify(serviceSpec('stk_x', service(), { 'api/key': 's3cret' }, { mesh: true }).Labels),
    ).not.toContain('s3cret');
  });
});

describe('countTasks', () => {
  it('counts running tasks of those meant to run; a global service wants one per such task', () => {
    const tasks = [
      { NodeID: 'a', DesiredState: 'running', Status: { State: 'running' } },
      { NodeID: 'b', DesiredState: 'running', Status: { State: 'starting' } },
      { NodeID: 'c', DesiredState: 'shutdown', Status: { State: 'failed', Err: 'task: non-zero exit (1)' } },
    ];
    expect(countTasks(tasks, 2)).toEqual({
      running: 1,
      desired: 2,
      errors: ['task: non-zero exit (1)'],
      nodes: ['a'],
    });
    expect(countTasks(tasks, null).desired).toBe(2);
  });
});

describe('the swarm pre-check', () => {
  const probes = {
    docker: { version: '24.0.7' },
    disk: { path: '/', freeMb: 9999 },
    ramAvailableMb: 4096,
    ports: [],
  };
  const check = (swarm: any) =>
    judgePrechecks({ stack: 'stk_x', swarm_role: 'worker' }, { ...probes, swarm }).checks.find(
      (c) => c.name === 'swarm_membership',
    );

  it('blocks a node in another swarm, naming it', () => {
    expect(check({ kind: 'other', detail: 'swarm abc (stack stk_y)' })).toMatchObject({
      status: 'failed',
      blocking: true,
      message: expect.stringMatching(/already in swarm abc \(stack stk_y\).*docker swarm leave/),
    });
  });

  it('passes a node in no swarm or already in this one', () => {
    expect(check({ kind: 'none' })).toMatchObject({ status: 'passed', blocking: false });
    expect(check({ kind: 'ours', role: 'worker' })?.message).toMatch(/already in this stack's swarm/);
  });

  it('is not run for a node outside the swarm', () => {
    expect(judgePrechecks({ stack: 'stk_x' }, probes).checks.map((c) => c.name)).not.toContain(
      'swarm_membership',
    );
  });
});
