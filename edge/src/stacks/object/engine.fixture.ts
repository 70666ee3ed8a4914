/**
 * The engine tests' fixtures: a tiny spec, a fake dispatcher in place of the workers'
 * AgentObjects, a real StackObject's SQLite per test, and the job outcomes the tests report.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { randomId } from '../../platform/ids.ts';
import type { Dispatcher, EngineDeps, JobOutcome } from './engine.ts';
import * as store from './stack-store.ts';

export const spec = `name: tiny
nodes:
  - name: pi
    type: main
`;

export class FakeDispatcher implements Dispatcher {
  enqueued: store.WfJobRecord[] = [];
  cancelled: string[] = [];
  failNextEnqueue = false;
  /** Set by a test to say which workers are offline; unset, every worker counts as connected. */
  connected?: (workerId: string) => Promise<boolean>;
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

export async function withStack(
  fn: (
    sql: store.StackDb,
    make: () => EngineDeps & { dispatcher: FakeDispatcher; clock: { t: number } },
  ) => Promise<void>,
  tofu: store.SpecVersion['tofu'] = null,
  source: { text: string; name: string; kit: string } = { text: spec, name: 'tiny', kit: 'base-homelab' },
) {
  const stackId = randomId('stk');
  const stub = env.STACKS.get(env.STACKS.idFromName(stackId));
  await runInDurableObject(stub, async (_obj, state) => {
    const sql = store.openStackStore(state.storage);
    store.setSetting(sql, 'id', stackId);
    const v = store.addVersion(sql, {
      format: 'yaml',
      source: source.text,
      options: {
        images: Object.fromEntries(
          ['traefik', 'dockge', 'portainer', 'netdata', 'dozzle'].map((s) => [s, 'kombify/busybox:test']),
        ),
      },
      tofu,
      name: source.name,
      kit: source.kit,
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

export const ok = (result: unknown): JobOutcome => ({ status: 'succeeded', result });
export const passedChecks = ok({
  checks: [{ name: 'port_available', status: 'passed', message: 'free', blocking: true }],
});
export const converged = (action: string) =>
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

export const wfStatus = (sql: store.StackDb, id: string) => store.getWorkflow(sql, id)!.status;
export const stepStatuses = (sql: store.StackDb, id: string) =>
  Object.fromEntries(store.listSteps(sql, id).map((s) => [s.name, s.status]));
