/**
 * A worker's containers through the edge (issue 21, item 2): the list of what kombify manages
 * there, a container's logs (a tail, and followed as Server-Sent Events while the caller listens),
 * start / stop / restart — with a real agent and the real Docker engine. A container kombify did
 * not make is neither listed nor touched; an offline worker is said to be away; another org and a
 * member are refused.
 */
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeContainer, requireDocker, TEST_IMAGE } from '../harness/docker.ts';
import { type Stack, startStack } from '../harness/stack.ts';

let stack: Stack;
let docker: Docker;
let workerId: string;
const chatty = `kfy-chatty-${process.pid}`;
const foreign = `kfy-not-ours-${process.pid}`;
const base = () => `/v1/orchestrator/workers/${workerId}/containers`;

beforeAll(async () => {
  docker = await requireDocker();
  for (const n of [chatty, foreign]) await removeContainer(docker, n);
  stack = await startStack();
  ({ workerId } = await stack.onlineAgent('box'));
  // It stops on SIGTERM like a well-behaved service (a shell as PID 1 would ignore it otherwise).
  const loop = [
    "trap 'exit 0' TERM",
    'i=0',
    'while true; do i=$((i+1)); echo "tick $i"; echo "warn $i" >&2; sleep 1; done',
  ].join('; ');
  const run = await stack.api('/v1/orchestrator/jobs', {
    body: {
      worker_id: workerId,
      type: 'docker.run',
      params: { image: TEST_IMAGE, name: chatty, command: ['sh', '-c', loop] },
    },
  });
  expect((await stack.waitForJob(run.body.data.id, ['succeeded', 'failed'])).status).toBe('succeeded');
  // A container of the node's owner, not kombify's.
  const mine = await docker.createContainer({ name: foreign, Image: TEST_IMAGE, Cmd: ['sleep', '300'] });
  await mine.start();
});

afterAll(async () => {
  for (const n of [chatty, foreign]) await removeContainer(docker, n);
  await stack?.stop();
});

describe('a worker’s containers', () => {
  it('lists what kombify manages on the worker, not the owner’s own containers', async () => {
    const res = await stack.api(base());
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const names = res.body.data.map((c: any) => c.name);
    expect(names).toContain(chatty);
    expect(names).not.toContain(foreign);
    expect(res.body.data.find((c: any) => c.name === chatty)).toMatchObject({
      image: TEST_IMAGE,
      state: 'running',
      stack: null,
      restarts: 0,
      started_at: expect.any(String),
    });
  });

  it('answers a tail of the logs with each line’s stream', async () => {
    await new Promise((r) => setTimeout(r, 2500));
    const res = await stack.api(`${base()}/${chatty}/logs?tail=4`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const lines = res.body.data.lines as { stream: string; text: string }[];
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(4);
    expect(
      lines.every(
        (l) =>
          (l.stream === 'stdout' && /^tick \d+$/.test(l.text)) ||
          (l.stream === 'stderr' && /^warn \d+$/.test(l.text)),
      ),
    ).toBe(true);
    const bad = await stack.api(`${base()}/${chatty}/logs?tail=-1&follow=maybe`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: any) => d.path).sort()).toEqual(['follow', 'tail']);
  });

  it('follows the logs as the container prints them, until max_seconds ends the job', async () => {
    const res = await fetch(`${stack.edgeUrl}${base()}/${chatty}/logs?follow=true&tail=0&max_seconds=4`, {
      headers: { authorization: `Bearer ${stack.adminToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    const lines = [...text.matchAll(/event: line\ndata: (.*)\n/g)].map((m) => JSON.parse(m[1]!));
    const ticks = lines
      .filter((l) => l.stream === 'stdout')
      .map((l) => Number(/^tick (\d+)$/.exec(l.text)![1]));
    // New lines, in order, as they are printed (tail=0: nothing from before), for about 4 s.
    expect(ticks.length).toBeGreaterThanOrEqual(2);
    expect(ticks).toEqual(ticks.map((_, i) => ticks[0]! + i));
    expect(lines.some((l) => l.stream === 'stderr' && /^warn \d+$/.test(l.text))).toBe(true);
    expect(text).toMatch(/event: end\ndata: \{"status":"succeeded"/);
    const job = (await stack.api(`/v1/orchestrator/jobs?worker_id=${workerId}&type=docker.logs&per_page=1`))
      .body.data[0];
    expect(job.status).toBe('succeeded');
  });

  it('stops, starts and restarts a container', async () => {
    const before = (await stack.api(base())).body.data.find((c: any) => c.name === chatty);
    const stop = await stack.api(`${base()}/${chatty}/stop`, { method: 'POST' });
    expect(stop.status, JSON.stringify(stop.body)).toBe(200);
    expect(stop.body.data).toMatchObject({ name: chatty, action: 'stop', state: 'exited' });
    expect((await docker.getContainer(chatty).inspect()).State.Running).toBe(false);
    const start = await stack.api(`${base()}/${chatty}/start`, { method: 'POST' });
    expect(start.body.data.state).toBe('running');
    const restart = await stack.api(`${base()}/${chatty}/restart`, { method: 'POST' });
    expect(restart.body.data.state).toBe('running');
    const after = (await stack.api(base())).body.data.find((c: any) => c.name === chatty);
    expect(Date.parse(after.started_at)).toBeGreaterThan(Date.parse(before.started_at));
  });

  it('refuses the owner’s own containers, unknown names and unknown actions', async () => {
    const touch = await stack.api(`${base()}/${foreign}/restart`, { method: 'POST' });
    expect(touch.status).toBe(403);
    expect(touch.body.error.message).toContain('not created by kombify');
    expect((await docker.getContainer(foreign).inspect()).State.Running).toBe(true);
    expect((await stack.api(`${base()}/${foreign}/logs`)).status).toBe(403);
    expect((await stack.api(`${base()}/kfy-nothing-here/logs`)).status).toBe(404);
    expect((await stack.api(`${base()}/${chatty}/explode`, { method: 'POST' })).status).toBe(404);
  });

  it('says an offline worker did not answer, and leaves no job to run later', async () => {
    const enrolled = await stack.enrollAgent({ name: 'sleeper' });
    expect(enrolled.code).toBe(0);
    const sleeper = (await stack.api('/v1/orchestrator/workers?per_page=100')).body.data.find(
      (w: any) => w.name === 'sleeper',
    ).id;
    const res = await stack.api(`/v1/orchestrator/workers/${sleeper}/containers?wait_seconds=2`);
    expect(res.status).toBe(503);
    expect(res.body.error.message).toContain('did not answer within 2 s');
    const left = (await stack.api(`/v1/orchestrator/jobs?worker_id=${sleeper}&status=queued`)).body.data;
    expect(left).toEqual([]);
  });

  it('is for operators of the worker’s org only', async () => {
    const other = await stack.newTenant('containers-b');
    expect((await stack.api(base(), { token: other.token })).status).toBe(404);
    expect((await stack.api(`${base()}/${chatty}/stop`, { method: 'POST', token: other.token })).status).toBe(
      404,
    );
    const member = (await stack.api('/api/keys', { body: { name: 'viewer', role: 'member' } })).body.data.key;
    expect((await stack.api(base(), { token: member })).status).toBe(403);
    expect((await docker.getContainer(chatty).inspect()).State.Running).toBe(true);
  });
});
