/**
 * The workflow engine inside workerd, over a real StackObject's SQLite, with a fake dispatcher in
 * place of the workers' AgentObjects: approval, queueing, cancel, a report arriving after a
 * restart, resuming from rows alone, blocking pre-checks, timeouts and drift. Time is a
 * variable the test moves, never a sleep.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { randomId } from '../../platform/ids.ts';
import type { Dispatcher, EngineDeps, JobOutcome } from './engine.ts';
import * as engine from './engine.ts';
import * as store from './stack-store.ts';

const spec = `name: tiny
nodes:
  - name: pi
    type: main
`;

class FakeDispatcher implements Dispatcher {
  enqueued: store.WfJobRecord[] = [];
  cancelled: string[] = [];
  failNextEnqueue = false;
  async enqueue(job: store.WfJobRecord) {
    if (this.failNextEnqueue) {
      this.failNextEnqueue = false;
      throw new Error('worker queue unavailable');
    }
    if (!this.enqueued.some((j) => j.id === job.id)) this.enqueued.push(job);
  }
  async cancel(job: store.WfJobRecord) {
    this.cancelled.push(job.id);
  }
  last(type: string) {
    return this.enqueued.filter((j) => j.type === type).at(-1)!;
  }
}

async function withStack(
  fn: (
    sql: store.StackDb,
    make: () => EngineDeps & { dispatcher: FakeDispatcher; clock: { t: number } },
  ) => Promise<void>,
  tofu: store.SpecVersion['tofu'] = null,
) {
  const stackId = randomId('stk');
  const stub = env.STACKS.get(env.STACKS.idFromName(stackId));
  await runInDurableObject(stub, async (_obj, state) => {
    const sql = store.openStackStore(state.storage);
    store.setSetting(sql, 'id', stackId);
    const v = store.addVersion(sql, {
      format: 'yaml',
      source: spec,
      options: {
        images: Object.fromEntries(
          ['traefik', 'dockge', 'portainer', 'netdata', 'dozzle'].map((s) => [s, 'kombify/busybox:test']),
        ),
      },
      tofu,
      name: 'tiny',
      kit: 'base-homelab',
      note: null,
      createdAt: 1,
    });
    store.setSetting(sql, 'current_version', String(v.version));
    const clock = { t: 1_000_000 };
    const dispatcher = new FakeDispatcher();
    const statuses: string[] = [];
    // Each call builds fresh deps, like a restarted object: nothing but the rows carries state.
    const make = () => ({
      sql,
      stackId,
      dispatcher,
      clock,
      now: () => clock.t,
      jobTimeoutMs: 600_000,
      onStackStatus: (s: string) => {
        statuses.push(s);
      },
    });
    await fn(sql, make);
  });
}

const ok = (result: unknown): JobOutcome => ({ status: 'succeeded', result });
const passedChecks = ok({
  checks: [{ name: 'port_available', status: 'passed', message: 'free', blocking: true }],
});
const converged = (action: string) =>
  ok({
    services: [
      {
        service: 'dozzle',
        name: 'tiny-dozzle',
        action,
        ...(action === 'update' ? { reason: 'image changed' } : {}),
      },
    ],
    networks: [],
    volumes: [],
    changes: {
      create: action === 'create' ? 1 : 0,
      update: action === 'update' ? 1 : 0,
      remove: 0,
      unchanged: action === 'unchanged' ? 1 : 0,
    },
  });

const wfStatus = (sql: store.StackDb, id: string) => store.getWorkflow(sql, id)!.status;
const stepStatuses = (sql: store.StackDb, id: string) =>
  Object.fromEntries(store.listSteps(sql, id).map((s) => [s.name, s.status]));

describe('workflow engine', () => {
  it('deploys through pre-checks, plan, approval, apply and verify, every step with events', async () => {
    await withStack(async (sql, make) => {
      const deps = make();
      const wf = await engine.createWorkflow(deps, {
        kind: 'deploy',
        version: 1,
        options: {},
        workers: { pi: 'agt_pi' },
        requestedBy: 'api_key:k1',
      });
      expect(wf.status).toBe('running');
      // validate/resolve/generate ran locally; pre-checks were written, then sent.
      const pre = deps.dispatcher.last('node.prechecks');
      expect(pre.workerId).toBe('agt_pi');
      expect(store.getJob(sql, pre.id)!.status).toBe('dispatched');
      expect(pre.params.ports).toEqual(expect.any(Array));

      await engine.jobEnded(make(), pre.id, passedChecks);
      const plan = deps.dispatcher.last('stack.converge');
      expect(plan.params).toMatchObject({ stack: deps.stackId, node: 'pi', dry_run: true });
      expect(
        (plan.params.services as { image: string }[]).every((s) => s.image === 'kombify/busybox:test'),
      ).toBe(true);

      await engine.jobEnded(make(), plan.id, converged('create'));
      expect(wfStatus(sql, wf.id)).toBe('awaiting_approval');
      expect(stepStatuses(sql, wf.id).approval).toBe('waiting');

      // Nothing moves on its own while waiting; a restarted engine still waits.
      expect(await engine.tick(make())).toBeNull();
      expect(wfStatus(sql, wf.id)).toBe('awaiting_approval');

      const approved = await engine.approve(make(), wf.id, 'api_key:k1');
      expect(approved.ok).toBe(true);
      const apply = deps.dispatcher.last('stack.converge');
      expect(apply.id).not.toBe(plan.id);
      expect(apply.params.dry_run).toBe(false);
      await engine.jobEnded(make(), apply.id, converged('create'));
      const verify = deps.dispatcher.enqueued.filter((j) => j.type === 'stack.verify');
      for (const v of verify) await engine.jobEnded(make(), v.id, ok({ checks: [] }));

      expect(wfStatus(sql, wf.id)).toBe('succeeded');
      expect(engine.stackStatus({ sql })).toBe('deployed');
      const steps = stepStatuses(sql, wf.id);
      expect(steps).toMatchObject({
        validate: 'succeeded',
        resolve: 'succeeded',
        generate: 'succeeded',
        prechecks: 'succeeded',
        plan: 'succeeded',
        approval: 'succeeded',
        apply: 'succeeded',
      });
      const kinds = store.eventsOf(sql, wf.id).map((e) => e.kind);
      expect(kinds[0]).toBe('workflow.queued');
      expect(kinds).toContain('step.waiting');
      expect(kinds.at(-1)).toBe('workflow.succeeded');
      expect(store.eventsOf(sql, wf.id).every((e) => e.at >= 1_000_000)).toBe(true);
      // A repeated report of the same end is not applied twice.
      expect(await engine.jobEnded(make(), apply.id, converged('create'))).toBe(false);
    });
  });

  it('runs one workflow at a time; cancel of the running one stops its jobs and starts the next', async () => {
    await withStack(async (sql, make) => {
      const deps = make();
      const input = { version: 1, options: {}, workers: { pi: 'agt_pi' }, requestedBy: null };
      const first = await engine.createWorkflow(deps, { ...input, kind: 'deploy' });
      const second = await engine.createWorkflow(make(), { ...input, kind: 'plan' });
      expect(second.status).toBe('queued');
      const running = deps.dispatcher.last('node.prechecks');

      const out = await engine.cancelWorkflow(make(), first.id, 'api_key:k1');
      expect(out.ok).toBe(true);
      expect(wfStatus(sql, first.id)).toBe('cancelled');
      expect(deps.dispatcher.cancelled).toContain(running.id);
      expect(store.getJob(sql, running.id)!.status).toBe('cancelled');
      expect(wfStatus(sql, second.id)).toBe('running');
      // Cancelling a finished run is a conflict.
      expect(await engine.cancelWorkflow(make(), first.id, 'x')).toMatchObject({
        ok: false,
        refusal: { code: 'CONFLICT' },
      });
      // A job cancelled on its worker (POST /jobs/{id}/cancel) cancels its run.
      const queuedJob = deps.dispatcher.last('node.prechecks');
      await engine.jobEnded(make(), queuedJob.id, {
        status: 'cancelled',
        error: { code: 'cancelled', message: 'cancelled through the API' },
      });
      expect(wfStatus(sql, second.id)).toBe('cancelled');
      expect(store.getWorkflow(sql, second.id)!.error?.message).toContain('cancelled through the API');
    });
  });

  it('resumes from its rows: a failed dispatch is retried, and a report after a restart moves the run on', async () => {
    await withStack(async (sql, make) => {
      const deps = make();
      deps.dispatcher.failNextEnqueue = true;
      const wf = await engine.createWorkflow(deps, {
        kind: 'plan',
        version: 1,
        options: {},
        workers: { pi: 'agt_pi' },
        requestedBy: null,
      });
      const [pending] = store.jobsOf(sql, wf.id);
      expect(pending!.status).toBe('pending');
      expect(engine.nextWake(make())).toBe(deps.clock.t + 2000);

      // "Restart": new deps, the alarm ticks, the job is sent.
      deps.clock.t += 2000;
      await engine.tick(make());
      const dispatched = store.getJob(sql, pending!.id)!;
      expect(dispatched.status).toBe('dispatched');
      // Nothing is polled: the alarm next wakes for the job's deadline only.
      expect(engine.nextWake(make())).toBe(dispatched.deadline);

      // The worker's object reports the end (its notice, retried until taken) to a fresh engine.
      deps.clock.t += 15_000;
      await engine.jobEnded(make(), pending!.id, passedChecks);
      const plan = deps.dispatcher.last('stack.converge');
      await engine.jobEnded(make(), plan.id, converged('create'));
      expect(wfStatus(sql, wf.id)).toBe('succeeded');
      expect(store.listSteps(sql, wf.id).find((s) => s.name === 'plan')!.detail).toMatchObject({
        nodes: [{ node: 'pi', changes: { create: 1 } }],
      });
      expect(engine.stackStatus({ sql })).toBe('created');
    });
  });

  it('stops a deploy at a blocking pre-check, and fails a job that outlives its timeout', async () => {
    await withStack(async (sql, make) => {
      const deps = make();
      const input = {
        version: 1,
        options: { auto_approve: true },
        workers: { pi: 'agt_pi' },
        requestedBy: null,
      };
      const wf = await engine.createWorkflow(deps, { ...input, kind: 'deploy' });
      await engine.jobEnded(
        make(),
        deps.dispatcher.last('node.prechecks').id,
        ok({
          checks: [
            {
              name: 'port_available',
              status: 'failed',
              message: 'port 8888 is in use by nginx',
              blocking: true,
            },
          ],
        }),
      );
      expect(wfStatus(sql, wf.id)).toBe('failed');
      expect(store.getWorkflow(sql, wf.id)!.error).toMatchObject({ code: 'prechecks_failed' });
      expect(store.getWorkflow(sql, wf.id)!.error!.message).toContain('port 8888 is in use by nginx');
      expect(deps.dispatcher.enqueued.some((j) => j.type === 'stack.converge')).toBe(false);
      expect(engine.stackStatus({ sql })).toBe('failed');

      const again = await engine.createWorkflow(make(), { ...input, kind: 'deploy' });
      const stuck = deps.dispatcher.last('node.prechecks');
      deps.clock.t += 600_001;
      await engine.tick(make());
      expect(wfStatus(sql, again.id)).toBe('failed');
      expect(store.getWorkflow(sql, again.id)!.error).toMatchObject({ code: 'timeout' });
      expect(deps.dispatcher.cancelled).toContain(stuck.id);
    });
  });

  it('checks drift on schedule once deployed and records which services would change', async () => {
    await withStack(async (sql, make) => {
      const deps = make();
      const wf = await engine.createWorkflow(deps, {
        kind: 'deploy',
        version: 1,
        options: { auto_approve: true },
        workers: { pi: 'agt_pi' },
        requestedBy: null,
      });
      await engine.jobEnded(make(), deps.dispatcher.last('node.prechecks').id, passedChecks);
      await engine.jobEnded(make(), deps.dispatcher.last('stack.converge').id, converged('create'));
      await engine.jobEnded(make(), deps.dispatcher.last('stack.converge').id, converged('create'));
      for (const v of deps.dispatcher.enqueued.filter((j) => j.type === 'stack.verify'))
        await engine.jobEnded(make(), v.id, ok({ checks: [] }));
      expect(wfStatus(sql, wf.id)).toBe('succeeded');

      store.setSetting(sql, 'drift_interval_s', '3600');
      store.setSetting(sql, 'next_drift_at', String(deps.clock.t + 3_600_000));
      expect(engine.nextWake(make())).toBe(deps.clock.t + 3_600_000);
      deps.clock.t += 3_600_000;
      await engine.tick(make());
      const drift = store.listWorkflows(sql, 10, 0).find((w) => w.kind === 'drift')!;
      expect(drift.status).toBe('running');
      await engine.jobEnded(make(), deps.dispatcher.last('stack.converge').id, converged('update'));
      expect(wfStatus(sql, drift.id)).toBe('succeeded');
      const last = JSON.parse(store.getSetting(sql, 'last_drift')!);
      expect(last).toMatchObject({
        drifted: true,
        services: [{ node: 'pi', service: 'dozzle', action: 'update', reason: 'image changed' }],
      });
      expect(engine.stackStatus({ sql })).toBe('deployed');
    });
  });

  it('plans and applies OpenTofu with a fresh state credential per job, and destroys with plan -destroy', async () => {
    const files = { 'main.tf': 'resource "terraform_data" "a" {}' };
    await withStack(
      async (sql, make) => {
        let issued = 0;
        // Each call is a new short-lived credential, as stateBackendFor makes one.
        const tofuBackend = async () => {
          issued++;
          const address = 'https://edge.example/v1/tofu-state/x';
          return {
            address,
            lock_address: address,
            unlock_address: address,
            username: 'kombify',
            password: `cred-${issued}`,
          };
        };
        const deps = () => ({ ...make(), tofuBackend });
        const sha = 'a'.repeat(64);
        const d = make().dispatcher;
        const wf = await engine.createWorkflow(deps(), {
          kind: 'provision',
          version: 1,
          options: {},
          workers: { pi: 'agt_pi' },
          requestedBy: null,
        });
        await engine.jobEnded(deps(), d.last('node.prechecks').id, passedChecks);
        const plan = d.last('tofu.plan');
        expect(plan.params).toMatchObject({ files, backend: { password: 'cred-1' } });
        expect(plan.params.destroy).toBeUndefined();
        await engine.jobEnded(deps(), d.last('stack.converge').id, converged('create'));
        await engine.jobEnded(
          deps(),
          plan.id,
          ok({ plan_sha256: sha, changes: { add: 1, change: 0, destroy: 0 } }),
        );
        expect(wfStatus(sql, wf.id)).toBe('awaiting_approval');
        expect(issued).toBe(1);

        await engine.approve(deps(), wf.id, 'api_key:k1');
        await engine.jobEnded(deps(), d.last('stack.converge').id, converged('create'));
        // The apply's credential is made when the apply starts, after the approval.
        const apply = d.last('tofu.apply');
        expect(apply.params).toMatchObject({ plan_sha256: sha, backend: { password: 'cred-2' } });
        const outputs = { url: { value: 'x', sensitive: false, type: 'string' } };
        await engine.jobEnded(deps(), apply.id, ok({ outputs, changes: { add: 1, change: 0, destroy: 0 } }));
        for (const v of d.enqueued.filter((j) => j.type === 'stack.verify'))
          await engine.jobEnded(deps(), v.id, ok({ checks: [] }));
        expect(wfStatus(sql, wf.id)).toBe('succeeded');
        expect(JSON.parse(store.getSetting(sql, 'tofu_outputs')!)).toEqual(outputs);

        const destroy = await engine.createWorkflow(deps(), {
          kind: 'destroy',
          version: 1,
          options: { auto_approve: true },
          workers: { pi: 'agt_pi' },
          requestedBy: null,
        });
        const destroyPlan = d.last('tofu.plan');
        expect(destroyPlan.id).not.toBe(plan.id);
        expect(destroyPlan.params).toMatchObject({ destroy: true, backend: { password: 'cred-3' } });
        // A destroy plans only OpenTofu: containers are simply removed.
        expect(store.jobsOf(sql, destroy.id).map((j) => j.type)).toEqual(['tofu.plan']);
        await engine.jobEnded(
          deps(),
          destroyPlan.id,
          ok({ plan_sha256: sha, changes: { add: 0, change: 0, destroy: 1 } }),
        );
        const removal = store.jobsOf(sql, destroy.id).filter((j) => j.status === 'dispatched');
        expect(removal.map((j) => j.type).sort()).toEqual(['stack.remove', 'tofu.apply']);
        for (const j of removal) {
          await engine.jobEnded(
            deps(),
            j.id,
            ok(
              j.type === 'tofu.apply'
                ? { outputs: {}, changes: { add: 0, change: 0, destroy: 1 } }
                : { removed: { containers: 5, networks: 1, volumes: 0 } },
            ),
          );
        }
        expect(wfStatus(sql, destroy.id)).toBe('succeeded');
        expect(engine.stackStatus({ sql })).toBe('destroyed');
        expect(store.getSetting(sql, 'tofu_outputs')).toBe('{}');
      },
      { files },
    );
  });
});
