/**
 * Bad input at the API boundary: every refusal has the contract's error shape, says what was
 * wrong and where, and queues nothing. Another org never sees or touches this org's workers or jobs.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../edge/src/platform/db/client.ts';
import { type Stack, startStack } from '../harness/stack.ts';

let stack: Stack;
let workerId: string;

beforeAll(async () => {
  stack = await startStack();
  const enrolled = await stack.enrollAgent({ name: 'input-node' });
  expect(enrolled.code).toBe(0);
  workerId = (await stack.api('/v1/orchestrator/workers')).body.data[0].id;
});

afterAll(async () => {
  await stack?.stop();
});

async function jobCount(): Promise<number> {
  const { db, close } = openDb(stack.db.config);
  const res = await db.execute<{ n: string }>(sql`select count(*)::text as n from jobs`);
  await close();
  return Number(res.rows[0]!.n);
}

function expectErrorShape(body: any, code: string) {
  expect(body.error).toMatchObject({ code });
  expect(typeof body.error.message).toBe('string');
  expect(body.error.requestId).toMatch(/^req_/);
  expect(Number.isNaN(Date.parse(body.error.timestamp))).toBe(false);
}

describe('authentication', () => {
  it('refuses a call without credentials', async () => {
    const res = await stack.api('/v1/orchestrator/workers', { token: null });
    expect(res.status).toBe(401);
    expectErrorShape(res.body, 'AUTH_REQUIRED');
  });

  it('refuses a malformed or unknown API key', async () => {
    const junk = await stack.api('/v1/orchestrator/workers', { token: 'not-a-key' });
    expect(junk.status).toBe(401);
    expectErrorShape(junk.body, 'AUTH_INVALID');
    const unknown = await stack.api('/v1/orchestrator/workers', { token: `kfy_${'A'.repeat(43)}` });
    expect(unknown.status).toBe(401);
    expectErrorShape(unknown.body, 'AUTH_INVALID');
  });

  it('answers /health without credentials', async () => {
    const res = await stack.api('/health', { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'healthy', checks: { database: { status: 'healthy' } } });
    expect(res.body.version).toBe('0.1.0');
    expect((await stack.api('/ready', { token: null })).status).toBe(200);
  });
});

describe('POST /v1/orchestrator/jobs with bad input queues nothing', () => {
  const cases: {
    name: string;
    body: unknown;
    headers?: Record<string, string>;
    status: number;
    path?: string;
  }[] = [
    { name: 'a body that is not JSON', body: '{"worker_id": ', status: 400 },
    {
      name: 'a body that is not JSON by content type',
      body: 'worker_id=x',
      headers: { 'content-type': 'text/plain' },
      status: 400,
    },
    { name: 'a missing worker_id', body: { type: 'node.facts' }, status: 400, path: 'worker_id' },
    {
      name: 'an unknown job type',
      body: { worker_id: 'W', type: 'shell.exec', params: {} },
      status: 400,
      path: 'type',
    },
    {
      name: 'docker.run without an image',
      body: { worker_id: 'W', type: 'docker.run', params: { name: 'x' } },
      status: 400,
      path: 'params.image',
    },
    {
      name: 'a port out of range',
      body: {
        worker_id: 'W',
        type: 'docker.run',
        params: { image: 'i', name: 'x', ports: [{ container: 80, host: 70000 }] },
      },
      status: 400,
      path: 'params.ports[0].host',
    },
    {
      name: 'a reserved label',
      body: {
        worker_id: 'W',
        type: 'docker.run',
        params: { image: 'i', name: 'x', labels: { 'kombify.job': 'forged' } },
      },
      status: 400,
      path: 'params.labels.kombify.job',
    },
    { name: 'an unknown field', body: { worker_id: 'W', type: 'node.facts', extra: 1 }, status: 400 },
    {
      name: 'an unknown worker',
      body: { worker_id: `agt_${'a'.repeat(26)}`, type: 'node.facts' },
      status: 404,
    },
    { name: 'a malformed worker id', body: { worker_id: '../../etc', type: 'node.facts' }, status: 404 },
  ];

  for (const c of cases) {
    it(`refuses ${c.name}`, async () => {
      const before = await jobCount();
      const body =
        typeof c.body === 'string'
          ? c.body
          : JSON.stringify(c.body).replaceAll('"W"', JSON.stringify(workerId));
      const res = await stack.api('/v1/orchestrator/jobs', { body, headers: c.headers });
      expect(res.status).toBe(c.status);
      expectErrorShape(res.body, c.status === 404 ? 'NOT_FOUND' : 'VALIDATION_FAILED');
      if (c.path) {
        expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(c.path);
        expect(res.body.error.message).toContain(c.path);
      }
      expect(await jobCount()).toBe(before);
    });
  }

  it('refuses per_page over 100', async () => {
    const res = await stack.api('/v1/orchestrator/workers?per_page=101');
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('per_page');
  });

  it('answers unknown routes and jobs with NOT_FOUND', async () => {
    const route = await stack.api('/v1/orchestrator/nope');
    expect(route.status).toBe(404);
    expectErrorShape(route.body, 'NOT_FOUND');
    const job = await stack.api(`/v1/orchestrator/jobs/job_${'b'.repeat(26)}`);
    expect(job.status).toBe(404);
    expectErrorShape(job.body, 'NOT_FOUND');
  });
});

describe('idempotent job creation', () => {
  it('the same Idempotency-Key returns the same job and queues it once', async () => {
    const before = await jobCount();
    const headers = { 'idempotency-key': 'deploy-42' };
    const body = { worker_id: workerId, type: 'node.facts' };
    const first = await stack.api('/v1/orchestrator/jobs', { body, headers });
    const second = await stack.api('/v1/orchestrator/jobs', { body, headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.data.id).toBe(first.body.data.id);
    expect(await jobCount()).toBe(before + 1);
  });
});

describe('tenant isolation', () => {
  it("another org's key neither sees nor touches this org's workers and jobs", async () => {
    const job = await stack.api('/v1/orchestrator/jobs', {
      body: { worker_id: workerId, type: 'node.facts' },
    });
    expect(job.status).toBe(201);
    const other = await stack.newTenant('other');

    const list = await stack.api('/v1/orchestrator/workers', { token: other.token });
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([]);
    expect((await stack.api(`/v1/orchestrator/workers/${workerId}`, { token: other.token })).status).toBe(
      404,
    );
    expect(
      (await stack.api(`/v1/orchestrator/jobs/${job.body.data.id}`, { token: other.token })).status,
    ).toBe(404);
    expect(
      (
        await stack.api(`/v1/orchestrator/jobs/${job.body.data.id}/cancel`, {
          method: 'POST',
          token: other.token,
        })
      ).status,
    ).toBe(404);
    const before = await jobCount();
    const post = await stack.api('/v1/orchestrator/jobs', {
      token: other.token,
      body: { worker_id: workerId, type: 'node.facts' },
    });
    expect(post.status).toBe(404);
    expect(await jobCount()).toBe(before);
    // And the job is still there, untouched, for its own org.
    expect((await stack.api(`/v1/orchestrator/jobs/${job.body.data.id}`)).body.data.status).toBe('queued');
  });
});

describe('GET /v1/orchestrator/jobs', () => {
  it('lists the org jobs of every worker, newest first, filtered by worker, type and status', async () => {
    const second = await stack.enrollAgent({ name: 'input-node-2' });
    expect(second.code).toBe(0);
    const workers = (await stack.api('/v1/orchestrator/workers')).body.data;
    const otherWorker = workers.find((w: any) => w.name === 'input-node-2').id;
    const post = (worker_id: string, type: string, params?: unknown) =>
      stack.api('/v1/orchestrator/jobs', { body: { worker_id, type, ...(params ? { params } : {}) } });
    const facts = (await post(otherWorker, 'node.facts')).body.data;
    const run = (await post(otherWorker, 'docker.run', { image: 'kombify/busybox:test', name: 'listed' }))
      .body.data;
    expect((await stack.api(`/v1/orchestrator/jobs/${run.id}/cancel`, { method: 'POST' })).status).toBe(200);

    const all = await stack.api('/v1/orchestrator/jobs?per_page=100');
    expect(all.status).toBe(200);
    expect(all.body.pagination.total).toBe(await jobCount());
    const ids = all.body.data.map((j: any) => j.id);
    expect(ids.slice(0, 2)).toEqual([run.id, facts.id]);
    const created = all.body.data.map((j: any) => j.created_at);
    expect([...created].sort().reverse()).toEqual(created);
    expect(new Set(all.body.data.map((j: any) => j.worker_id))).toEqual(new Set([workerId, otherWorker]));
    // Summaries: the params (and results, logs) are only in the job's own view.
    expect(all.body.data.every((j: any) => !('params' in j) && !('log' in j) && !('result' in j))).toBe(true);

    const mine = (await stack.api(`/v1/orchestrator/jobs?worker_id=${otherWorker}`)).body;
    expect(mine.data.map((j: any) => j.id)).toEqual([run.id, facts.id]);
    const runs = (await stack.api('/v1/orchestrator/jobs?type=docker.run')).body.data;
    expect(runs.map((j: any) => j.id)).toEqual([run.id]);
    const cancelled = (await stack.api('/v1/orchestrator/jobs?status=cancelled')).body.data;
    expect(cancelled.map((j: any) => j.id)).toContain(run.id);
    expect(cancelled.every((j: any) => j.status === 'cancelled')).toBe(true);
    const queued = (await stack.api(`/v1/orchestrator/jobs?worker_id=${otherWorker}&status=queued`)).body;
    expect(queued.data.map((j: any) => j.id)).toEqual([facts.id]);
    const paged = (await stack.api('/v1/orchestrator/jobs?per_page=1&page=2')).body.data;
    expect(paged.map((j: any) => j.id)).toEqual([ids[1]]);

    const bad = await stack.api('/v1/orchestrator/jobs?status=exploded&type=Not%20A%20Type');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: any) => d.path).sort()).toEqual(['status', 'type']);
    expect((await stack.api('/v1/orchestrator/jobs?worker_id=agt_nope')).status).toBe(404);

    const other = await stack.newTenant('jobs-list-b');
    const theirs = await stack.api('/v1/orchestrator/jobs', { token: other.token });
    expect(theirs.body).toMatchObject({ data: [], pagination: { total: 0 } });
    const ours = await stack.api(`/v1/orchestrator/jobs?worker_id=${otherWorker}`, { token: other.token });
    expect(ours.status).toBe(404);
  });
});
