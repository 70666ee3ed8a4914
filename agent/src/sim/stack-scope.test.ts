import { stackConvergeParams } from '@kombify/proto/jobs';
import { describe, expect, it } from 'vitest';
import { stackFilter, stackLabels } from '../executors/converge/labels.ts';
import { LOCAL_LABEL, PORTS_LABEL } from './port-relay.ts';
import type { SimScope } from './scope.ts';
import { scopeConvergeParams } from './stack-scope.ts';

const scope: SimScope = { nodeContainer: 'kombisim-abc-server', simulationId: 'sim_a', nodeId: 'node_b' };
const params = stackConvergeParams.parse({
  stack: 'stk_abc',
  node: 'local',
  networks: [{ name: 'lab-net' }],
  volumes: [{ name: 'lab-data' }],
  services: [
    {
      service: 'web',
      name: 'lab-web',
      image: 'busybox',
      ports: [
        { container: 80, host: 8080 },
        { container: 53, host: 53, protocol: 'udp', host_ip: '127.0.0.1' },
      ],
      networks: ['lab-net'],
      mounts: [
        { type: 'volume', source: 'lab-data', target: '/data' },
        { type: 'bind', source: '/opt/stacks', target: '/opt/stacks' },
      ],
      labels: { team: 'a' },
    },
    { service: 'tool', name: 'lab-tool', image: 'busybox' },
  ],
});

describe('a stack part inside a KombiSim node', () => {
  it('is unchanged outside a node', () => {
    expect(scopeConvergeParams(params, null)).toBe(params);
  });

  it("takes the node's names, and its ports become the node's (labels, not host bindings)", () => {
    const scoped = scopeConvergeParams(params, scope);
    expect(scoped.networks).toEqual([{ name: 'kombisim-abc-server-lab-net' }]);
    expect(scoped.volumes).toEqual([{ name: 'kombisim-abc-server-lab-data' }]);
    const [web, tool] = scoped.services;
    expect(web).toMatchObject({
      name: 'kombisim-abc-server-lab-web',
      networks: ['kombisim-abc-server-lab-net'],
    });
    expect(web?.ports).toBeUndefined();
    expect(web?.labels).toEqual({ team: 'a', [PORTS_LABEL]: '|8080|80|tcp,127.0.0.1|53|53|udp' });
    // Volumes (all declared by the stack) are the node's; a bind mount is a path on the machine.
    expect(web?.mounts?.map((m) => m.source)).toEqual(['kombisim-abc-server-lab-data', '/opt/stacks']);
    // No stack network: the service shares the node's namespace.
    expect(tool?.labels).toEqual({ [LOCAL_LABEL]: 'true' });
  });

  it("labels and filters with the simulation, so another node's or the host's part is never touched", () => {
    expect(stackLabels('stk_abc', 'local', scope)).toMatchObject({
      'kombify.stack': 'stk_abc',
      'kombify.simulation': 'sim_a',
      'kombify.sim-node': 'node_b',
    });
    expect(stackFilter('stk_abc', 'local', scope).label).toContain('kombify.sim-node=node_b');
    expect(stackFilter('stk_abc', 'local', null).label).toEqual([
      'kombify.managed=true',
      'kombify.stack=stk_abc',
      'kombify.node=local',
    ]);
  });
});
