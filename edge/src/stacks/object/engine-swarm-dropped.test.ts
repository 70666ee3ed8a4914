/**
 * A member the plan drops (issue 22): the deployed record keeps the swarm's members and their
 * workers; the next deploy without one drains it (swarm.services `leaving`), sends its own worker
 * a swarm.leave, and has the leader forget it — after the services, so its tasks moved first.
 */
import { describe, expect, it } from 'vitest';
import { ok, passedChecks, wfStatus, withStack } from './engine.fixture.ts';
import * as engine from './engine.ts';
import type { JobOutcome } from './engine-deps.ts';
import * as store from './stack-store.ts';

const nodes = `nodes:
  - { name: m1, type: main, resources: { cpu: 4, memory: 8Gi, disk: 100Gi } }
  - { name: m2, type: main, resources: { cpu: 4, memory: 8Gi, disk: 100Gi } }
  - { name: m3, type: main, resources: { cpu: 4, memory: 8Gi, disk: 100Gi } }
`;
const rest = `services:
  - { name: dozzle, enabled: false }
  - { name: web, image: kombify/echo-app:1, replicas: 2, ports: [{ container: 8080, host: 8081 }] }
`;
const withWorker = `name: hive\nkit: ha-homelab\nvariant: minimal\n${nodes}  - { name: w1, type: worker, resources: { cpu: 2, memory: 4Gi, disk: 50Gi } }\n${rest}`;
const withoutWorker = `name: hive\nkit: ha-homelab\nvariant: minimal\n${nodes}${rest}`;

function outcome(type: string, node: string): JobOutcome {
  if (type === 'node.prechecks') return passedChecks;
  if (type === 'swarm.init')
    return ok({ swarm_id: 's', node_id: `id-${node}`, advertise_address: '10.0.0.11', created: false });
  if (type === 'swarm.join') return ok({ node_id: `id-${node}`, role: 'manager', joined: false });
  if (type === 'swarm.services') return ok({ services: [], networks: [], nodes: [], notes: [] });
  if (type === 'swarm.verify') return ok({ checks: [] });
  return ok({});
}

describe('a swarm member the plan drops', () => {
  it('is drained by the services, leaves on its own worker, and is forgotten by the leader', async () => {
    await withStack(
      async (sql, make) => {
        const run = async (workers: Record<string, string>) => {
          const wf = await engine.createWorkflow(make(), {
            kind: 'deploy',
            version: Math.max(...store.listVersions(sql).map((v) => v.version)),
            options: { auto_approve: true },
            workers,
            requestedBy: 'api_key:k1',
          });
          const seen = new Set<string>();
          for (let i = 0; i < 40 && wfStatus(sql, wf.id) === 'running'; i++) {
            const next = make().dispatcher.enqueued.find((j) => j.workflowId === wf.id && !seen.has(j.id));
            if (!next) break;
            seen.add(next.id);
            await engine.jobEnded(make(), next.id, outcome(next.type, next.node));
          }
          expect(wfStatus(sql, wf.id), JSON.stringify(store.getWorkflow(sql, wf.id)!.error)).toBe(
            'succeeded',
          );
          return make().dispatcher.enqueued.filter((j) => seen.has(j.id));
        };
        const addSpec = (source: string, createdAt: number) =>
          store.addVersion(sql, {
            format: 'yaml',
            source,
            options: {},
            tofu: null,
            name: 'hive',
            kit: 'ha-homelab',
            note: null,
            createdAt,
          });
        const first = await run({ m1: 'agt_1', m2: 'agt_2', m3: 'agt_3', w1: 'agt_4' });
        expect(first.some((j) => j.type === 'swarm.forget')).toBe(false);

        addSpec(withoutWorker, 2);
        // w1 is no longer bound: the plan does not have it.
        const second = await run({ m1: 'agt_1', m2: 'agt_2', m3: 'agt_3' });
        const apply = second.filter((j) => j.type.startsWith('swarm.') && j.params.dry_run !== true);
        const order = apply.map((j) => `${j.type}@${j.node}`);
        expect(order.slice(order.indexOf('swarm.services@m1'))).toEqual([
          'swarm.services@m1',
          'swarm.leave@w1',
          'swarm.forget@m1',
          'swarm.verify@m1',
        ]);
        const services = apply.find((j) => j.type === 'swarm.services')!;
        expect(services.params.leaving).toEqual(['w1']);
        expect((services.params.members as { node: string }[]).map((m) => m.node)).toEqual([
          'm1',
          'm2',
          'm3',
        ]);
        // The leave goes to the worker w1 ran on, which this run's bindings no longer name.
        expect(apply.find((j) => j.type === 'swarm.leave')!.workerId).toBe('agt_4');
        expect(apply.find((j) => j.type === 'swarm.forget')!.params).toEqual({
          stack: expect.any(String),
          nodes: ['w1'],
        });
        // The plan step's dry run was told too, so the approval shows who leaves.
        const planned = second.find((j) => j.type === 'swarm.services' && j.params.dry_run === true)!;
        expect(planned.params.leaving).toEqual(['w1']);

        // Dropped while its worker is offline: no leave that would wait for it, the leader forgets it.
        addSpec(withWorker, 3);
        await run({ m1: 'agt_1', m2: 'agt_2', m3: 'agt_3', w1: 'agt_5' });
        addSpec(withoutWorker, 4);
        make().dispatcher.connected = async (id: string) => id !== 'agt_5';
        const offline = await run({ m1: 'agt_1', m2: 'agt_2', m3: 'agt_3' });
        expect(offline.some((j) => j.type === 'swarm.leave')).toBe(false);
        const forget = offline.find((j) => j.type === 'swarm.forget')!;
        expect(forget.params.nodes).toEqual(['w1']);
        const notes = store.eventsOf(sql, forget.workflowId).filter((e) => e.kind === 'step.note');
        expect(notes.map((e) => e.message)).toEqual([
          expect.stringMatching(/^w1 left the plan but its worker is offline/),
        ]);
        delete make().dispatcher.connected;

        // Deployed again without it: nothing leaves twice.
        const third = await run({ m1: 'agt_1', m2: 'agt_2', m3: 'agt_3' });
        expect(third.some((j) => j.type === 'swarm.leave' || j.type === 'swarm.forget')).toBe(false);
      },
      null,
      { text: withWorker, name: 'hive', kit: 'ha-homelab' },
    );
  });
});
