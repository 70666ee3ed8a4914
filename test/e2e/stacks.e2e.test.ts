/**
 * Stacks and workflows on a real edge (wrangler dev, Durable Objects, Postgres/PGlite) with real
 * agent processes: create/list/get/delete, bad specs refused with nothing stored, spec versions and
 * rollback, plan limits, tenant isolation on every stack and workflow route, a run that waits for
 * approval, queueing, cancel of queued and running jobs, live progress over SSE, and a run that
 * resumes after the edge restarts.
 */

import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import * as api from '@kombify/proto/api';
import { BadRequestSchema } from '@kombify/proto/google/rpc';
import { OrchestratorService, StackAction } from '@kombify/proto/orchestrator/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSse } from '../harness/sse.ts';
import { poll, type Stack, startStack } from '../harness/stack.ts';

let stack: Stack;
/** A worker named like the spec node `wf-node`, enrolled but not running: its jobs stay queued until it starts. */
let workerId: string;
let dataDir: string;

beforeAll(async () => {
  // Runs move only by the AgentObject's reports: nothing polls for a job's end.
  stack = await startStack();
  const enrolled = await stack.enrollAgent({ name: 'wf-node' });
  expect(enrolled.code).toBe(0);
  dataDir = enrolled.dataDir;
  const workers = (await stack.api('/v1/orchestrator/workers?per_page=100')).body.data;
  workerId = workers.find((w: any) => w.name === 'wf-node').id;
  const approved = await stack.api(`/v1/orchestrator/workers/${workerId}/approve`, { method: 'POST' });
  expect(approved.body.data).toMatchObject({ id: workerId, approved: true });
});

afterAll(async () => {
  await stack?.stop();
});

const minimalServices = ['traefik', 'dockge', 'portainer', 'netdata', 'dozzle'];
const images = Object.fromEntries(minimalServices.map((s) => [s, 'kombify/busybox:test']));

function jsonSpec(name: string, node: string, extra: Record<string, unknown> = {}) {
  return { spec: { name, nodes: [{ name: node, type: 'main' }] }, options: { images }, ...extra };
}

async function create(body: unknown, token?: string) {
  return stack.api('/v1/orchestrator/stacks', { body, ...(token ? { token } : {}) });
}

async function waitWorkflow(id: string, pred: (wf: any) => boolean, what: string, timeoutMs = 30_000) {
  return poll(
    async () => {
      const res = await stack.api(`/v1/orchestrator/workflows/${id}`);
      return res.status === 200 && pred(res.body.data) ? res.body.data : null;
    },
    timeoutMs,
    `workflow ${id}: ${what}`,
  );
}

describe('stacks', () => {
  it('are created from YAML or JSON, listed, read and deleted', async () => {
    const yaml = 'name: yaml-lab\nnodes:\n  - name: box\n    type: main\n';
    const fromYaml = await stack.api('/v1/orchestrator/stacks', {
      body: yaml,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(fromYaml.status).toBe(201);
    expect(fromYaml.body.data).toMatchObject({
      name: 'yaml-lab',
      kit: 'base-homelab',
      status: 'created',
      current_version: 1,
    });
    const id = fromYaml.body.data.id as string;
    expect(id).toMatch(/^stk_/);

    const fromJson = await create(jsonSpec('json-lab', 'box'));
    expect(fromJson.status).toBe(201);

    const list = await stack.api('/v1/orchestrator/stacks?per_page=100');
    expect(list.status).toBe(200);
    expect(list.body.pagination).toMatchObject({ page: 1, per_page: 100 });
    expect(list.body.data.map((s: any) => s.name)).toEqual(expect.arrayContaining(['yaml-lab', 'json-lab']));

    const got = await stack.api(`/v1/orchestrator/stacks/${id}`);
    expect(got.body.data).toMatchObject({ id, name: 'yaml-lab', versions: 1 });

    const spec = await stack.api(`/v1/orchestrator/stacks/${id}/spec`);
    expect(spec.body.data).toMatchObject({ version: 1, format: 'yaml', source: yaml });
    const raw = await fetch(`${stack.edgeUrl}/v1/orchestrator/stacks/${id}/spec`, {
      headers: { authorization: `Bearer ${stack.adminToken}`, accept: 'application/yaml' },
    });
    expect(await raw.text()).toBe(yaml);

    const plan = await stack.api(`/v1/orchestrator/stacks/${id}/plan`);
    expect(plan.body.data.plan.stack).toMatchObject({
      name: 'yaml-lab',
      kit: 'base-homelab',
      variant: 'minimal',
    });
    expect(plan.body.data.jobs.converge[0].params).toMatchObject({ stack: id, node: 'box' });

    const exported = await stack.api(`/v1/orchestrator/stacks/${id}/export`);
    expect(exported.body.data.kombination).toEqual({ format: 'yaml', source: yaml });
    expect(Object.keys(exported.body.data.files)).toContain('main.tf.json');

    expect((await create(jsonSpec('json-lab', 'box'))).status).toBe(409);

    const deleted = await stack.api(`/v1/orchestrator/stacks/${id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect((await stack.api(`/v1/orchestrator/stacks/${id}`)).status).toBe(404);
    expect((await stack.api(`/v1/orchestrator/stacks/${id}/spec`)).status).toBe(404);
  });

  it('refuses a bad spec before anything is stored, with paths and lines', async () => {
    const before = (await stack.api('/v1/orchestrator/stacks')).body.pagination.total;
    const bad = await stack.api('/v1/orchestrator/stacks', {
      body: 'name: Bad_Name\nnodes:\n  - name: box\n    type: mainframe\n',
      headers: { 'content-type': 'application/yaml' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const paths = bad.body.error.details.map((d: any) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'nodes[0].type']));
    expect(bad.body.error.details.find((d: any) => d.path === 'nodes[0].type').line).toBe(4);

    const badJson = await create({ spec: { name: 'ok-name', nodes: [] }, options: { images } });
    expect(badJson.status).toBe(400);
    const badBinding = await create(
      jsonSpec('bind-lab', 'box', { bindings: { ghost: { worker_name: 'x' } } }),
    );
    expect(badBinding.status).toBe(400);
    expect(badBinding.body.error.details[0].path).toBe('bindings.ghost');
    expect((await stack.api('/v1/orchestrator/stacks')).body.pagination.total).toBe(before);
  });

  it('keeps every accepted spec as a version and rolls back to one', async () => {
    const created = (await create(jsonSpec('versioned', 'box'))).body.data;
    const v2 = await stack.api(`/v1/orchestrator/stacks/${created.id}/spec`, {
      body: {
        spec: {
          name: 'versioned',
          nodes: [{ name: 'box', type: 'main', resources: { cpu: 8, memory: '16Gi', disk: '100Gi' } }],
        },
        options: { images },
      },
    });
    expect(v2.status, JSON.stringify(v2.body)).toBe(201);
    expect(v2.body.data).toMatchObject({ version: 2, current: true });
    const renamed = await stack.api(`/v1/orchestrator/stacks/${created.id}/spec`, {
      body: jsonSpec('other-name', 'box'),
    });
    expect(renamed.status).toBe(400);
    const invalid = await stack.api(`/v1/orchestrator/stacks/${created.id}/spec`, {
      body: { spec: { name: 'versioned', nodes: [{ name: 'box', type: 'nope' }] } },
    });
    expect(invalid.status).toBe(400);

    const back = await stack.api(`/v1/orchestrator/stacks/${created.id}/rollback`, { body: { version: 1 } });
    expect(back.status).toBe(201);
    expect(back.body.data).toMatchObject({ version: 3, current: true, note: 'rollback to version 1' });
    const versions = (await stack.api(`/v1/orchestrator/stacks/${created.id}/versions`)).body.data;
    expect(versions.map((v: any) => v.version)).toEqual([3, 2, 1]);
    const spec = (await stack.api(`/v1/orchestrator/stacks/${created.id}/spec`)).body.data;
    expect(spec.spec.nodes[0].resources.cpu).toBe(4);
    const v2spec = (await stack.api(`/v1/orchestrator/stacks/${created.id}/spec?version=2`)).body.data;
    expect(v2spec.spec.nodes[0].resources.cpu).toBe(8);
    expect(
      (await stack.api(`/v1/orchestrator/stacks/${created.id}/rollback`, { body: { version: 9 } })).status,
    ).toBe(404);
  });
});

describe('workflows', () => {
  it('binds nodes only to approved workers; nodes list their worker and status', async () => {
    const enrolled = await stack.enrollAgent({ name: 'pending-node' });
    expect(enrolled.code).toBe(0);
    const pending = (await stack.api('/v1/orchestrator/workers?per_page=100')).body.data.find(
      (w: any) => w.name === 'pending-node',
    );
    expect(pending).toMatchObject({ approved: false, approved_at: null });
    const s = (await create(jsonSpec('approval-lab', 'pending-node'))).body.data;
    const refused = await stack.api(`/v1/orchestrator/stacks/${s.id}/deploy`, { method: 'POST' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0]).toMatchObject({
      path: 'bindings.pending-node',
      code: 'not_approved',
    });

    let nodes = (await stack.api('/v1/orchestrator/nodes?per_page=100')).body.data;
    expect(nodes.find((n: any) => n.stack_id === s.id)).toMatchObject({
      name: 'pending-node',
      worker_id: pending.id,
      status: 'pending_approval',
    });
    const first = await stack.api(`/v1/orchestrator/workers/${pending.id}/approve`, { method: 'POST' });
    expect(first.status).toBe(200);
    const again = await stack.api(`/v1/orchestrator/workers/${pending.id}/approve`, { method: 'POST' });
    expect(again.body.data.approved_at).toBe(first.body.data.approved_at);
    nodes = (await stack.api('/v1/orchestrator/nodes?per_page=100')).body.data;
    expect(nodes.find((n: any) => n.stack_id === s.id).status).toBe('offline');

    // An explicit binding wins over the name.
    const bound = await stack.api(`/v1/orchestrator/stacks/${s.id}/bindings`, {
      method: 'PUT',
      body: { bindings: { 'pending-node': { worker_id: workerId } } },
    });
    expect(bound.status).toBe(200);
    nodes = (await stack.api('/v1/orchestrator/nodes?per_page=100')).body.data;
    expect(nodes.find((n: any) => n.stack_id === s.id)).toMatchObject({
      worker_id: workerId,
      worker_name: 'wf-node',
    });
    const ghost = await stack.api(`/v1/orchestrator/stacks/${s.id}/bindings`, {
      method: 'PUT',
      body: { bindings: { 'pending-node': { worker_id: 'agt_nope' } } },
    });
    expect(ghost.status).toBe(400);
    expect((await stack.api('/v1/orchestrator/workers/agt_nope/approve', { method: 'POST' })).status).toBe(
      404,
    );
  });

  it('POST /nodes adds a node to a stack and binds it in one call; refusals change nothing', async () => {
    const s = (
      await create({
        spec: { name: 'grow-lab', kit: 'modern-homelab', nodes: [{ name: 'hub', type: 'main' }] },
      })
    ).body.data;
    expect(s.current_version).toBe(1);
    const added = await stack.api('/v1/orchestrator/nodes', {
      body: { stack_id: s.id, node: { name: 'extra', type: 'worker' }, binding: { worker_id: workerId } },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body.data.node).toMatchObject({
      id: `${s.id}/extra`,
      name: 'extra',
      type: 'worker',
      worker_id: workerId,
      worker_name: 'wf-node',
      status: 'offline',
    });
    expect(added.body.data.version).toMatchObject({ version: 2 });
    const after = (await stack.api(`/v1/orchestrator/stacks/${s.id}`)).body.data;
    expect(after.current_version).toBe(2);
    expect(after.bindings).toEqual({ extra: { worker_id: workerId } });
    const listed = (await stack.api('/v1/orchestrator/nodes?per_page=100')).body.data;
    expect(listed.filter((n: any) => n.stack_id === s.id).map((n: any) => n.name)).toEqual(['hub', 'extra']);

    const refusals = [
      [{ stack_id: s.id, node: { name: 'extra', type: 'worker' } }, 409, ['node.name']],
      [{ stack_id: s.id, node: { name: 'Bad Name', type: 'nope' } }, 400, ['node.name', 'node.type']],
      [
        { stack_id: s.id, node: { name: 'ghost', type: 'worker' }, binding: { worker_id: 'agt_nope' } },
        400,
        ['bindings.ghost.worker_id'],
      ],
      [{ stack_id: s.id, node: { name: 'x1', type: 'worker' }, extra: true }, 400, ['']],
    ] as const;
    for (const [body, status, paths] of refusals) {
      const res = await stack.api('/v1/orchestrator/nodes', { body });
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.error.details.map((d: any) => d.path).sort()).toEqual([...paths].sort());
    }
    expect(
      (
        await stack.api('/v1/orchestrator/nodes', {
          body: { stack_id: 'stk_nope', node: { name: 'a1', type: 'main' } },
        })
      ).status,
    ).toBe(404);
    // base-homelab runs on one node: the kit's own rule, at the spec's nodes.
    const one = (await create(jsonSpec('one-node-lab', 'solo'))).body.data;
    const second = await stack.api('/v1/orchestrator/nodes', {
      body: { stack_id: one.id, node: { name: 'other', type: 'worker' } },
    });
    expect(second.status).toBe(400);
    expect(second.body.error.details[0]).toMatchObject({ path: 'nodes', code: 'kit_constraint' });
    expect((await stack.api(`/v1/orchestrator/stacks/${s.id}`)).body.data.current_version).toBe(2);
    expect((await stack.api(`/v1/orchestrator/stacks/${one.id}`)).body.data.current_version).toBe(1);
  });

  it('refuses to run when a node has no worker, naming the node', async () => {
    const s = (await create(jsonSpec('unbound', 'nobody-here'))).body.data;
    const res = await stack.api(`/v1/orchestrator/stacks/${s.id}/deploy`, { method: 'POST' });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.details[0]).toMatchObject({ path: 'bindings.nobody-here' });
    expect((await stack.api(`/v1/orchestrator/stacks/${s.id}/workflows`)).body.pagination.total).toBe(0);
  });

  it('queue one run at a time; cancel reaches queued and running jobs; events stream live', async () => {
    const s = (await create(jsonSpec('queued-lab', 'wf-node'))).body.data;
    const first = await stack.api(`/v1/orchestrator/stacks/${s.id}/deploy`, {
      body: { auto_approve: false },
    });
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    expect(first.body.data).toMatchObject({ kind: 'deploy', status: 'running', current_step: 'prechecks' });
    const second = await stack.api(`/v1/orchestrator/stacks/${s.id}/plan`, { method: 'POST' });
    expect(second.body.data.status).toBe('queued');

    const wf = (await stack.api(`/v1/orchestrator/workflows/${first.body.data.id}`)).body.data;
    expect(wf.steps.map((x: any) => [x.name, x.status])).toEqual([
      ['validate', 'succeeded'],
      ['resolve', 'succeeded'],
      ['generate', 'succeeded'],
      ['prechecks', 'running'],
      ['plan', 'pending'],
      ['approval', 'pending'],
      ['apply', 'pending'],
      ['verify', 'pending'],
    ]);
    const job = wf.jobs[0];
    expect(job).toMatchObject({ type: 'node.prechecks', worker_id: workerId, status: 'dispatched' });
    // The job is a job like any other: visible, and queued on the worker.
    expect((await stack.api(`/v1/orchestrator/jobs/${job.id}`)).body.data.status).toBe('queued');

    // Cancelling the queued job on its worker ends the run (reported back by the worker's object).
    expect((await stack.api(`/v1/orchestrator/jobs/${job.id}/cancel`, { method: 'POST' })).status).toBe(200);
    const cancelled = await waitWorkflow(first.body.data.id, (w) => w.status === 'cancelled', 'cancelled');
    expect(cancelled.error.message).toContain('cancelled through the API');

    // The queued plan starts next; cancelling the run cancels its job on the worker.
    const next = await waitWorkflow(second.body.data.id, (w) => w.status === 'running', 'running');
    const nextJob = next.jobs[0].id;
    const stop = await stack.api(`/v1/orchestrator/workflows/${next.id}/cancel`, { method: 'POST' });
    expect(stop.status).toBe(200);
    expect(stop.body.data.status).toBe('cancelled');
    expect((await stack.api(`/v1/orchestrator/jobs/${nextJob}`)).body.data.status).toBe('cancelled');
    expect((await stack.api(`/v1/orchestrator/workflows/${next.id}/cancel`, { method: 'POST' })).status).toBe(
      409,
    );

    // The whole history streams as SSE, ends with the run, and resumes after a given id.
    const all = await readSse(stack, `/v1/orchestrator/workflows/${first.body.data.id}/events`);
    expect(all[0]).toMatchObject({ event: 'event', data: { event: { kind: 'workflow.queued' } } });
    expect(all.at(-1)).toMatchObject({ event: 'end', data: { status: 'cancelled' } });
    const kinds = all.filter((m) => m.event === 'event').map((m) => m.data.event.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(['step.started', 'job.dispatched', 'job.cancelled', 'workflow.cancelled']),
    );
    const resumed = await readSse(stack, `/v1/orchestrator/workflows/${first.body.data.id}/events`, {
      'last-event-id': all[2]!.id,
    });
    expect(resumed.map((m) => m.id)).toEqual(all.slice(3).map((m) => m.id));

    const list = await stack.api(`/v1/orchestrator/stacks/${s.id}/workflows`);
    expect(list.body.data.map((w: any) => w.id)).toEqual([second.body.data.id, first.body.data.id]);
  });

  it('the dashboard shows the newest stacks and their latest runs, newest first', async () => {
    const res = await stack.api('/api/dashboard');
    expect(res.status).toBe(200);
    const part = api.dashboard.parse(res.body.data).stacks;
    if (!('data' in part)) throw new Error(`stacks part refused: ${JSON.stringify(part)}`);
    const listed = await stack.api('/v1/orchestrator/stacks?per_page=8');
    expect(part.data.stacks).toEqual(listed.body.data);
    expect(part.data.total).toBe(listed.body.pagination.total);
    // Every run of every listed stack, newest first, each as its stack's own list shows it.
    const runs = (
      await Promise.all(
        listed.body.data.map(async (s: any) =>
          (
            await stack.api(`/v1/orchestrator/stacks/${s.id}/workflows?per_page=3`)
          ).body.data.map((w: any) => ({
            ...w,
            stack_name: s.name,
          })),
        ),
      )
    )
      .flat()
      .sort((a: any, b: any) => b.created_at.localeCompare(a.created_at))
      .slice(0, 8);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(part.data.runs).toEqual(runs);
    expect(part.data.runs.filter((r) => r.stack_name === 'queued-lab').map((r) => r.kind)).toEqual([
      'plan',
      'deploy',
    ]);

    const member = (await stack.api('/api/keys', { body: { name: 'dash member', role: 'member' } })).body.data
      .key;
    const limited = await stack.api('/api/dashboard', { token: member });
    expect(limited.body.data.stacks).toEqual({
      error: { code: 'AUTH_INSUFFICIENT', message: "your role (member) may not see the org's stacks" },
    });
  });

  it('lists every run of the org, filtered by stack, kind, status and time; starts one by naming its stack', async () => {
    const listed = (await stack.api('/v1/orchestrator/stacks?per_page=100')).body.data;
    const perStack = await Promise.all(
      listed.map(
        async (s: any) => (await stack.api(`/v1/orchestrator/stacks/${s.id}/workflows?per_page=100`)).body,
      ),
    );
    const all = await stack.api('/v1/orchestrator/workflows?per_page=100');
    expect(all.status).toBe(200);
    const expected = perStack
      .flatMap((b) => b.data)
      .sort((a: any, b: any) => b.created_at.localeCompare(a.created_at) || a.id.localeCompare(b.id));
    expect(all.body.data.map((w: any) => w.id)).toEqual(expected.map((w: any) => w.id));
    expect(all.body.pagination.total).toBe(perStack.reduce((n, b) => n + b.pagination.total, 0));
    expect(all.body.data.length).toBeGreaterThanOrEqual(2);
    expect(all.body.data.every((w: any) => typeof w.stack_name === 'string')).toBe(true);

    // Pages of the merged list are slices of it.
    const second = await stack.api('/v1/orchestrator/workflows?per_page=1&page=2');
    expect(second.body.data.map((w: any) => w.id)).toEqual([all.body.data[1].id]);

    const plans = (await stack.api('/v1/orchestrator/workflows?kind=plan&per_page=100')).body.data;
    expect(plans.length).toBeGreaterThan(0);
    expect(plans.every((w: any) => w.kind === 'plan')).toBe(true);
    const cancelled = (await stack.api('/v1/orchestrator/workflows?status=cancelled&per_page=100')).body;
    expect(cancelled.data.map((w: any) => w.id)).toEqual(
      all.body.data.filter((w: any) => w.status === 'cancelled').map((w: any) => w.id),
    );
    const newest = all.body.data[0].created_at;
    const since = (await stack.api(`/v1/orchestrator/workflows?since=${encodeURIComponent(newest)}`)).body
      .data;
    expect(since.map((w: any) => w.id)).toContain(all.body.data[0].id);
    expect(since.every((w: any) => w.created_at >= newest)).toBe(true);
    const until = (await stack.api(`/v1/orchestrator/workflows?until=${encodeURIComponent(newest)}`)).body
      .data;
    expect(until.every((w: any) => w.created_at < newest)).toBe(true);

    const bad = await stack.api('/v1/orchestrator/workflows?kind=explode&since=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: any) => d.path).sort()).toEqual(['kind', 'since']);
    expect((await stack.api('/v1/orchestrator/workflows?stack_id=stk_nope')).status).toBe(404);
    expect((await stack.api('/v1/orchestrator/workflows?per_page=100&page=11')).status).toBe(400);

    // POST names the stack and the kind, with the per-stack action's options.
    const s = (await create(jsonSpec('started-by-name', 'wf-node'))).body.data;
    const started = await stack.api('/v1/orchestrator/workflows', {
      body: { stack_id: s.id, kind: 'plan', auto_approve: true },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body.data).toMatchObject({ kind: 'plan', stack_id: s.id });
    const mine = (await stack.api(`/v1/orchestrator/workflows?stack_id=${s.id}`)).body;
    expect(mine.data.map((w: any) => w.id)).toEqual([started.body.data.id]);
    expect(mine.data[0].stack_name).toBe('started-by-name');
    const wrong = await stack.api('/v1/orchestrator/workflows', {
      body: { stack_id: s.id, kind: 'plan', volumes: true },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toContain('volumes');
    expect(
      (await stack.api('/v1/orchestrator/workflows', { body: { stack_id: 'stk_nope', kind: 'plan' } }))
        .status,
    ).toBe(404);
    // Nothing of it is left queued on the worker the next test starts.
    expect(
      (await stack.api(`/v1/orchestrator/workflows/${started.body.data.id}/cancel`, { method: 'POST' }))
        .status,
    ).toBe(200);
  });

  it('resumes after the edge restarts mid-run, and runs the jobs once the worker comes', async () => {
    const s = (await create(jsonSpec('restart-lab', 'wf-node'))).body.data;
    const started = (await stack.api(`/v1/orchestrator/stacks/${s.id}/deploy`, { method: 'POST' })).body.data;
    expect(started.current_step).toBe('prechecks');
    await stack.restartEdge();
    const after = await stack.api(`/v1/orchestrator/workflows/${started.id}`);
    expect(after.body.data).toMatchObject({ status: 'running', current_step: 'prechecks' });

    // The worker connects after the restart: the job runs, its end reaches the stack's object,
    // and the run moves past the pre-checks step.
    const agent = stack.startAgent(dataDir);
    try {
      const moved = await waitWorkflow(
        started.id,
        (w) => w.steps.find((x: any) => x.name === 'prechecks').status !== 'running',
        'past prechecks',
        60_000,
      );
      const pre = moved.jobs.find((j: any) => j.type === 'node.prechecks');
      expect(['succeeded', 'failed']).toContain(pre.status);
      expect(moved.events.map((e: any) => e.kind)).toContain(`job.${pre.status}`);
      if (moved.status === 'running' || moved.status === 'awaiting_approval') {
        await stack.api(`/v1/orchestrator/workflows/${started.id}/cancel`, { method: 'POST' });
      }
    } finally {
      await agent.stop();
    }
  });
});

describe('plans and tenants', () => {
  it("a free org has read-only stacks; another org's stacks and workflows are 404 everywhere", async () => {
    const mine = (await create(jsonSpec('private-lab', 'wf-node'))).body.data;
    const wf = (await stack.api(`/v1/orchestrator/stacks/${mine.id}/plan`, { method: 'POST' })).body.data;
    await stack.api(`/v1/orchestrator/workflows/${wf.id}/cancel`, { method: 'POST' });
    const b = await stack.newTenant('stacks-b');

    // Free plan: one stack, plans and dry runs only.
    const own = await create(jsonSpec('b-lab', 'box'), b.token);
    expect(own.status).toBe(201);
    const deploy = await stack.api(`/v1/orchestrator/stacks/${own.body.data.id}/deploy`, {
      method: 'POST',
      token: b.token,
    });
    expect(deploy.status).toBe(507);
    expect(deploy.body.error.code).toBe('RESOURCE_LIMIT');
    const second = await create(jsonSpec('b-lab-2', 'box'), b.token);
    expect(second.status).toBe(507);

    const { app } = (await import('../../edge/src/app.ts' as string)) as {
      app: { routes: { method: string; path: string }[] };
    };
    const routes = app.routes.filter(
      (r) => r.method !== 'ALL' && /^\/v1\/orchestrator\/(stacks|workflows|nodes)/.test(r.path),
    );
    expect(routes.length).toBeGreaterThanOrEqual(20);
    const secrets = [mine.id, wf.id, 'private-lab', stack.orgId];
    for (const route of routes) {
      const path = route.path
        .replace(/\/stacks\/:id/, `/stacks/${mine.id}`)
        .replace(/\/workflows\/:id/, `/workflows/${wf.id}`);
      const init: { method: string; token: string; body?: unknown } = {
        method: route.method,
        token: b.token,
      };
      if (!['GET', 'DELETE'].includes(route.method))
        init.body = route.path.endsWith('/rollback') ? { version: 1 } : {};
      const res = await stack.api(path, init);
      const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
      const sent = path;
      for (const secret of secrets.filter((x) => !sent.includes(x))) {
        expect(text, `${route.method} ${path} leaked ${secret}`).not.toContain(secret);
      }
      if (path.includes(mine.id) || path.includes(wf.id)) {
        expect(res.status, `${route.method} ${path} answered ${res.status}`).toBe(404);
      }
    }
    for (const action of ['approve', 'prechecks']) {
      const res = await stack.api(`/v1/orchestrator/workers/${workerId}/${action}`, {
        method: 'POST',
        token: b.token,
      });
      expect(res.status, `${action} on another org's worker`).toBe(404);
    }
    const theirNodes = (await stack.api('/v1/orchestrator/nodes', { token: b.token })).body.data;
    expect(theirNodes.every((n: any) => n.stack_id !== mine.id)).toBe(true);
    // The org-wide run list and start: our stack is unknown to them, our runs not in their list.
    const start = { stack_id: mine.id, kind: 'plan' };
    expect((await stack.api('/v1/orchestrator/workflows', { body: start, token: b.token })).status).toBe(404);
    const query = `/v1/orchestrator/workflows?stack_id=${mine.id}`;
    expect((await stack.api(query, { token: b.token })).status).toBe(404);
    const grow = { stack_id: mine.id, node: { name: 'sneaky', type: 'worker' } };
    expect((await stack.api('/v1/orchestrator/nodes', { body: grow, token: b.token })).status).toBe(404);
    const theirRuns = (await stack.api('/v1/orchestrator/workflows', { token: b.token })).body.data;
    expect(theirRuns.every((w: any) => w.stack_id !== mine.id)).toBe(true);
    // Nothing of ours changed.
    const still = await stack.api(`/v1/orchestrator/stacks/${mine.id}`);
    expect(still.status).toBe(200);
    expect(still.body.data.current_version).toBe(1);
  });
});

describe('ConnectRPC OrchestratorService', () => {
  const rpc = (method: string, body: unknown, token: string | null = stack.adminToken) =>
    fetch(`${stack.edgeUrl}/kombify.orchestrator.v1.OrchestratorService/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });

  it('answers Connect JSON (curl-style) with the same views as REST, behind the same gate', async () => {
    const created = await rpc('CreateStack', {
      input: { yaml: 'name: connect-lab\nnodes:\n  - name: box\n    type: main\n' },
    });
    expect(created.status).toBe(200);
    const stackView = (await created.json()).stack;
    const rest = (await stack.api(`/v1/orchestrator/stacks/${stackView.id}`)).body.data;
    expect(stackView).toMatchObject({ id: rest.id, name: 'connect-lab', kit: rest.kit, current_version: 1 });

    // A bad spec: every field path in the message, and per field as a google.rpc.BadRequest detail.
    const bad = await rpc('CreateStack', {
      input: { yaml: 'name: Bad Name\nnodes:\n  - name: box\n    type: nope\n' },
    });
    expect(bad.status).toBe(400);
    const badBody = await bad.json();
    expect(badBody.code).toBe('invalid_argument');
    expect(badBody.message).toContain('name: must be a DNS label');
    expect(badBody.message).toContain('nodes[0].type: "nope" is not a valid type');
    expect(badBody.details).toEqual([
      expect.objectContaining({
        type: 'google.rpc.BadRequest',
        value: expect.any(String),
        debug: {
          fieldViolations: [
            expect.objectContaining({ field: 'name', reason: 'invalid_format' }),
            expect.objectContaining({ field: 'nodes[0].type', reason: 'invalid_value' }),
          ],
        },
      }),
    ]);
    expect((await rpc('GetStack', { stackId: stackView.id }, null)).status).toBe(401);
    const other = await stack.newTenant('connect-b');
    const foreign = await rpc('GetStack', { stackId: stackView.id }, other.token);
    expect(foreign.status).toBe(404);
    expect(JSON.stringify(await foreign.json())).not.toContain('connect-lab');

    // ListWorkflows without a stack is the org-wide list, with the same filters as REST.
    const listed = await rpc('ListWorkflows', { kind: 'plan', perPage: 100 });
    expect(listed.status).toBe(200);
    const viaRest = (await stack.api('/v1/orchestrator/workflows?kind=plan&per_page=100')).body;
    const runs = (await listed.json()) as { workflows?: { id: string }[]; pagination: { total: number } };
    expect((runs.workflows ?? []).map((w) => w.id)).toEqual(viaRest.data.map((w: any) => w.id));
    expect(Number(runs.pagination.total ?? 0)).toBe(viaRest.pagination.total);
    const badKind = await rpc('ListWorkflows', { kind: 'explode' });
    expect(badKind.status).toBe(400);
  });

  it('works with a generated client, including the WatchWorkflow stream', async () => {
    const client = createClient(
      OrchestratorService,
      createConnectTransport({
        baseUrl: stack.edgeUrl,
        httpVersion: '1.1',
        interceptors: [
          (next) => (req) => {
            req.header.set('authorization', `Bearer ${stack.adminToken}`);
            return next(req);
          },
        ],
      }),
    );
    const created = await client.createStack({
      input: { source: { case: 'json', value: jsonSpec('client-lab', 'wf-node') } },
    });
    const id = created.stack!.id as string;
    const listed = await client.listStacks({ perPage: 100 });
    expect(listed.stacks.map((x) => x.id)).toContain(id);
    expect(listed.pagination!.total).toBeGreaterThanOrEqual(1);

    const run = await client.runStackAction({ stackId: id, action: StackAction.PLAN });
    const wfId = run.workflow!.id as string;
    expect(run.workflow).toMatchObject({ kind: 'plan', status: 'running' });
    await client.cancelWorkflow({ workflowId: wfId });
    await expect(client.cancelWorkflow({ workflowId: wfId })).rejects.toMatchObject({
      code: Code.FailedPrecondition,
    });

    const items = [];
    for await (const m of client.watchWorkflow({ workflowId: wfId })) items.push(m);
    expect(items[0]!.item.case).toBe('event');
    expect(items.at(-1)!.item).toMatchObject({ case: 'end', value: { status: 'cancelled' } });
    const sse = await readSse(stack, `/v1/orchestrator/workflows/${wfId}/events`);
    expect(items.map((m) => m.cursor)).toEqual(sse.map((m) => m.id));
    const resumed = [];
    for await (const m of client.watchWorkflow({ workflowId: wfId, after: items[1]!.cursor }))
      resumed.push(m.cursor);
    expect(resumed).toEqual(items.slice(2).map((m) => m.cursor));

    const missing = await client.getWorkflow({ workflowId: 'wfl_nope_nope' }).catch((e) => e);
    expect(missing).toBeInstanceOf(ConnectError);
    expect(missing.code).toBe(Code.NotFound);

    const invalid: ConnectError = await client
      .createStack({ input: { source: { case: 'yaml', value: 'name: client-lab\nnodes: []\n' } } })
      .catch((e) => e);
    expect(invalid.code).toBe(Code.InvalidArgument);
    expect(invalid.findDetails(BadRequestSchema)[0]?.fieldViolations).toEqual([
      expect.objectContaining({ field: 'nodes', reason: 'required' }),
    ]);
  });
});
