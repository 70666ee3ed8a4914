/**
 * A stack's whole life through the workflow engine, with a real agent and the real Docker engine:
 * base-homelab `minimal` (every service on the local busybox image, test/harness/homelab.ts) is
 * deployed (pre-checks, plan, apply, verify), a changed spec converges (changed container
 * replaced, removed service removed), destroy leaves nothing; an agent killed mid-apply fails the
 * step after its lease with a clear reason, and the stack deploys again afterwards. Only resources
 * labelled with this run's stack ids are touched.
 */
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/ports.ts';
import { removeStackResources, requireDocker, TEST_IMAGE } from '../harness/docker.ts';
import { homelab } from '../harness/homelab.ts';
import { readSse } from '../harness/sse.ts';
import { type AgentProcess, poll, type Stack, startStack } from '../harness/stack.ts';

let stack: Stack;
let docker: Docker;
let agent: AgentProcess;
let workerId: string;
let dataDir: string;
const run = `oe${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const stackIds: string[] = [];

const byLabel = (id: string) => ({ filters: { label: [`kombify.stack=${id}`] } });

async function leftovers(id: string) {
  const [containers, networks] = await Promise.all([
    docker.listContainers({ all: true, ...byLabel(id) }),
    docker.listNetworks(byLabel(id)),
  ]);
  return { containers: containers.length, networks: networks.length };
}

beforeAll(async () => {
  docker = await requireDocker();
  // Short leases and one attempt, so a killed agent fails its job within seconds.
  stack = await startStack({
    vars: { JOB_LEASE_SECONDS: '6', JOB_MAX_ATTEMPTS: '1' },
  });
  const enrolled = await stack.enrollAgent({ name: `${run}-node` });
  expect(enrolled.code).toBe(0);
  dataDir = enrolled.dataDir;
  agent = stack.startAgent(dataDir);
  const worker = await poll(
    async () =>
      (await stack.api('/v1/orchestrator/workers?per_page=100')).body.data?.find(
        (w: any) => w.name === `${run}-node` && w.status === 'online',
      ),
    30_000,
    'worker online',
  );
  workerId = worker.id;
  expect((await stack.api(`/v1/orchestrator/workers/${workerId}/approve`, { method: 'POST' })).status).toBe(
    200,
  );
});

afterAll(async () => {
  for (const id of stackIds) await removeStackResources(docker, id);
  await stack?.stop();
});

async function createStack(name: string, customise?: Record<string, string | false>) {
  const lab = await homelab({
    name,
    variant: 'minimal',
    image: TEST_IMAGE,
    ...(customise ? { customise } : {}),
  });
  const res = await stack.api('/v1/orchestrator/stacks', {
    body: { yaml: lab.spec, options: { images: lab.images }, bindings: { local: { worker_id: workerId } } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  stackIds.push(res.body.data.id);
  return { id: res.body.data.id as string, lab };
}

async function runTo(path: string, body: unknown, statuses: string[], timeoutMs = 150_000) {
  const started = await stack.api(path, { body });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return poll(
    async () => {
      const wf = (await stack.api(`/v1/orchestrator/workflows/${started.body.data.id}`)).body.data;
      return statuses.includes(wf?.status) ? wf : null;
    },
    timeoutMs,
    `${path} to reach ${statuses.join('|')}`,
  );
}

const step = (wf: any, name: string) => wf.steps.find((s: any) => s.name === name);

describe('deploy through the workflow', () => {
  it('runs pre-checks on demand on a worker', async () => {
    const port = await freePort();
    const res = await stack.api(`/v1/orchestrator/workers/${workerId}/prechecks`, {
      body: { ports: [port] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.status).toBe('succeeded');
    expect(res.body.data.checks.find((c: any) => c.name === 'port_available')).toMatchObject({
      status: 'passed',
    });
    const bad = await stack.api(`/v1/orchestrator/workers/${workerId}/prechecks`, {
      body: { ports: [70000] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('params.ports[0]');
  });

  it('deploys base-homelab minimal, converges a changed spec, and destroys it without a trace', async () => {
    const { id, lab } = await createStack(`${run}-lab`);
    const wf = await runTo(`/v1/orchestrator/stacks/${id}/deploy`, { auto_approve: true }, [
      'succeeded',
      'failed',
    ]);
    expect(wf.status, JSON.stringify(wf.error ?? wf.steps)).toBe('succeeded');
    expect(step(wf, 'prechecks').detail.nodes[0].checks.map((c: any) => c.name)).toContain('port_available');
    expect(step(wf, 'plan').detail.nodes[0].changes).toMatchObject({ create: 5 });
    expect(step(wf, 'verify').status).toBe('succeeded');

    const containers = await docker.listContainers(byLabel(id));
    expect(containers.map((c) => c.Labels['kombify.service']).sort()).toEqual([
      'dockge',
      'dozzle',
      'netdata',
      'portainer',
      'traefik',
    ]);
    for (const c of containers) {
      expect(c.Labels).toMatchObject({
        'kombify.managed': 'true',
        'kombify.stack': id,
        'kombify.node': 'local',
      });
      expect(c.State).toBe('running');
    }
    const dozzlePort = lab.hostPorts.get('dozzle:8080')!;
    expect((await fetch(`http://127.0.0.1:${dozzlePort}/`)).status).toBe(200);
    expect((await stack.api(`/v1/orchestrator/stacks/${id}`)).body.data.status).toBe('deployed');

    // Live progress replays the run: every job's log lines once each, in order, as the worker stored them.
    const messages = await readSse(stack, `/v1/orchestrator/workflows/${wf.id}/events`);
    expect(messages.at(-1)).toMatchObject({ event: 'end', data: { status: 'succeeded' } });
    const logs = messages.filter((m) => m.event === 'log');
    expect(logs.length).toBeGreaterThan(0);
    for (const job of wf.jobs) {
      const streamed = logs.filter((m) => m.data.job_id === job.id).map((m) => m.data.line.seq);
      const stored = (await stack.api(`/v1/orchestrator/jobs/${job.id}`)).body.data.log.map(
        (l: any) => l.seq,
      );
      expect(streamed, `log of ${job.type}`).toEqual(stored);
    }

    // A changed spec: netdata gone, dozzle with another environment.
    const changed = await homelab({
      name: `${run}-lab`,
      variant: 'minimal',
      image: TEST_IMAGE,
      hostPorts: lab.hostPorts,
      customise: { netdata: false, dozzle: '    environment: { LEVEL: "debug" }' },
    });
    const v2 = await stack.api(`/v1/orchestrator/stacks/${id}/spec`, {
      body: { yaml: changed.spec, options: { images: changed.images } },
    });
    expect(v2.status, JSON.stringify(v2.body)).toBe(201);
    const second = await runTo(`/v1/orchestrator/stacks/${id}/deploy`, { auto_approve: true }, [
      'succeeded',
      'failed',
    ]);
    expect(second.status, JSON.stringify(second.error)).toBe('succeeded');
    const actions = Object.fromEntries(
      step(second, 'apply').detail.nodes[0].services.map((s: any) => [s.service, s.action]),
    );
    expect(actions).toMatchObject({ dozzle: 'update', netdata: 'remove', traefik: 'unchanged' });
    const after = await docker.listContainers({ all: true, ...byLabel(id) });
    expect(after.map((c) => c.Labels['kombify.service']).sort()).toEqual([
      'dockge',
      'dozzle',
      'portainer',
      'traefik',
    ]);

    const destroyed = await runTo(`/v1/orchestrator/stacks/${id}/destroy`, { force: true }, [
      'succeeded',
      'failed',
    ]);
    expect(destroyed.status, JSON.stringify(destroyed.error)).toBe('succeeded');
    expect(await leftovers(id)).toEqual({ containers: 0, networks: 0 });
    expect((await stack.api(`/v1/orchestrator/stacks/${id}`)).body.data.status).toBe('destroyed');
  });

  it('fails the apply step after its lease when the agent is killed, and deploys again afterwards', async () => {
    // dockge's health check never passes during its start period: converge waits on it, so the
    // agent is surely mid-apply when it is killed.
    const { id, lab } = await createStack(`${run}-kill`, {
      dockge:
        '    healthCheck: { command: ["CMD-SHELL", "false"], interval: 1s, timeout: 1s, retries: 3, startPeriod: 300s }',
    });
    const started = await stack.api(`/v1/orchestrator/stacks/${id}/deploy`, { body: { auto_approve: true } });
    const wfId = started.body.data.id as string;
    const applying = await poll(
      async () => {
        const wf = (await stack.api(`/v1/orchestrator/workflows/${wfId}`)).body.data;
        if (wf?.status === 'failed') throw new Error(JSON.stringify(wf.error));
        const job = wf?.jobs.find((j: any) => j.step === 'apply');
        if (!job) return null;
        const view = (await stack.api(`/v1/orchestrator/jobs/${job.id}`)).body.data;
        return view.status === 'running' && (await docker.listContainers(byLabel(id))).length > 0
          ? job
          : null;
      },
      90_000,
      'apply running',
    );
    await agent.kill();

    const failed = await poll(
      async () => {
        const wf = (await stack.api(`/v1/orchestrator/workflows/${wfId}`)).body.data;
        return wf.status === 'failed' ? wf : null;
      },
      60_000,
      'workflow failed after the lease',
    );
    expect(step(failed, 'apply').status).toBe('failed');
    expect(failed.error.code).toBe('lease_expired');
    expect(failed.error.message).toContain(
      `stack.converge on node local failed: the agent stopped reporting`,
    );
    expect(failed.jobs.find((j: any) => j.id === applying.id).status).toBe('failed');
    expect((await stack.api(`/v1/orchestrator/stacks/${id}`)).body.data.status).toBe('failed');

    // The agent comes back; a fixed spec deploys.
    agent = stack.startAgent(dataDir);
    await stack.waitForWorker(workerId, 'online', 30_000);
    const fixed = await homelab({
      name: `${run}-kill`,
      variant: 'minimal',
      image: TEST_IMAGE,
      hostPorts: lab.hostPorts,
    });
    expect(
      (
        await stack.api(`/v1/orchestrator/stacks/${id}/spec`, {
          body: { yaml: fixed.spec, options: { images: fixed.images } },
        })
      ).status,
    ).toBe(201);
    const again = await runTo(`/v1/orchestrator/stacks/${id}/deploy`, { auto_approve: true }, [
      'succeeded',
      'failed',
    ]);
    expect(again.status, JSON.stringify(again.error)).toBe('succeeded');
    expect((await docker.listContainers(byLabel(id))).length).toBe(5);
  });
});
