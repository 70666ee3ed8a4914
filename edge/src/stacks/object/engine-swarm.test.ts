/**
 * A swarm stack through the engine (issue 22): the pre-checks ask each member about its swarm,
 * apply forms the swarm in order (init on the leader, then each join with the leader's address
 * from the init's result), applies the services with every member's node id, verify checks the
 * swarm, and destroy takes the services down before the members leave, the leader last.
 */
import { describe, expect, it } from 'vitest';
import { ok, passedChecks, wfStatus, withStack } from './engine.fixture.ts';
import * as engine from './engine.ts';
import * as store from './stack-store.ts';

const swarmSpec = `name: hive
kit: ha-homelab
variant: minimal
nodes:
  - { name: m1, type: main, resources: { cpu: 4, memory: 8Gi, disk: 100Gi } }
  - { name: m2, type: main, resources: { cpu: 4, memory: 8Gi, disk: 100Gi } }
  - { name: m3, type: main, resources: { cpu: 4, memory: 8Gi, disk: 100Gi } }
  - { name: w1, type: worker, resources: { cpu: 2, memory: 4Gi, disk: 50Gi } }
services:
  - { name: dozzle, enabled: false }
  - { name: web, image: kombify/echo-app:1, replicas: 2, ports: [{ container: 8080, host: 8081 }] }
`;
const source = { text: swarmSpec, name: 'hive', kit: 'ha-homelab' };
const workers = { m1: 'agt_1', m2: 'agt_2', m3: 'agt_3', w1: 'agt_4' };

describe('workflow engine with a swarm', () => {
  it('forms the swarm in order, fills in what each job learns from the ones before, then verifies it', async () => {
    await withStack(
      async (sql, make) => {
        const deps = make();
        const wf = await engine.createWorkflow(deps, {
          kind: 'deploy',
          version: 1,
          options: { auto_approve: true },
          workers,
          requestedBy: 'api_key:k1',
        });
        const pre = deps.dispatcher.enqueued.filter((j) => j.type === 'node.prechecks');
        expect(pre.map((j) => [j.node, j.params.swarm_role])).toEqual([
          ['m1', 'manager'],
          ['m2', 'manager'],
          ['m3', 'manager'],
          ['w1', 'worker'],
        ]);
        for (const p of pre) await engine.jobEnded(make(), p.id, passedChecks);
        // The plan: what the swarm's services would do, as a dry run on the leader.
        const planned = deps.dispatcher.last('swarm.services');
        expect(planned).toMatchObject({ node: 'm1', params: { dry_run: true } });
        await engine.jobEnded(
          make(),
          planned.id,
          ok({
            services: [{ service: 'web', name: 'hive-web', action: 'create' }],
            networks: [],
            nodes: [],
            notes: [],
          }),
        );
        expect(store.listSteps(sql, wf.id).find((s) => s.name === 'plan')?.detail).toMatchObject({
          swarm: [{ node: 'm1', type: 'swarm.services', services: [{ service: 'web', action: 'create' }] }],
        });

        // One job at a time: the init first, alone.
        const init = deps.dispatcher.last('swarm.init');
        expect(init.node).toBe('m1');
        expect(deps.dispatcher.enqueued.some((j) => j.type === 'swarm.join')).toBe(false);
        await engine.jobEnded(
          make(),
          init.id,
          ok({ swarm_id: 's', node_id: 'id-m1', advertise_address: '10.0.0.11', created: true }),
        );
        for (const [node, id] of [
          ['m2', 'id-m2'],
          ['m3', 'id-m3'],
          ['w1', 'id-w1'],
        ] as const) {
          const join = deps.dispatcher.last('swarm.join');
          expect(join.node).toBe(node);
          expect(join.params).toMatchObject({
            leader_address: '10.0.0.11:2377',
            secrets: [expect.stringMatching(/^swarm\/stk_.*\/join-/)],
          });
          await engine.jobEnded(make(), join.id, ok({ node_id: id, role: 'manager', joined: true }));
        }
        const services = deps.dispatcher.last('swarm.services');
        expect(services.id).not.toBe(planned.id);
        expect(services.params.dry_run).not.toBe(true);
        expect(
          (services.params.members as { node: string; node_id: string }[]).map((m) => [m.node, m.node_id]),
        ).toEqual([
          ['m1', 'id-m1'],
          ['m2', 'id-m2'],
          ['m3', 'id-m3'],
          ['w1', 'id-w1'],
        ]);
        await engine.jobEnded(make(), services.id, ok({ services: [], networks: [], nodes: [], notes: [] }));
        const verify = deps.dispatcher.last('swarm.verify');
        expect(verify.params).toMatchObject({ managers: 3, workers: 1 });
        await engine.jobEnded(make(), verify.id, ok({ checks: [] }));
        expect(wfStatus(sql, wf.id)).toBe('succeeded');

        const destroy = await engine.createWorkflow(make(), {
          kind: 'destroy',
          version: 1,
          options: { auto_approve: true },
          workers,
          requestedBy: 'api_key:k1',
        });
        const order: string[] = [];
        for (let i = 0; i < 20 && wfStatus(sql, destroy.id) === 'running'; i++) {
          const next = deps.dispatcher.enqueued.find(
            (j) => j.workflowId === destroy.id && !order.includes(j.id),
          );
          if (!next) break;
          order.push(next.id);
          await engine.jobEnded(make(), next.id, ok({}));
        }
        const jobs = order.map((id) => deps.dispatcher.enqueued.find((j) => j.id === id)!);
        expect(jobs.map((j) => `${j.type}@${j.node}`)).toEqual([
          'swarm.remove@m1',
          'stack.remove@m1',
          'stack.remove@m2',
          'stack.remove@m3',
          'stack.remove@w1',
          'swarm.leave@w1',
          'swarm.leave@m3',
          'swarm.leave@m2',
          'swarm.leave@m1',
        ]);
        // A member's engine is the stack's: its removal is not narrowed to a node label.
        expect(jobs[1]!.params).not.toHaveProperty('node');
        expect(wfStatus(sql, destroy.id)).toBe('succeeded');
      },
      null,
      source,
    );
  });
});
