/**
 * The walking skeleton end to end: a real edge (wrangler dev), a real agent process and the real
 * Docker engine. Enroll → online → docker.run → container running with our labels → job
 * succeeded with its result → docker.remove cleans up.
 */
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containersOfJob, removeContainer, requireDocker, TEST_IMAGE } from '../harness/docker.ts';
import { type AgentProcess, type Stack, startStack } from '../harness/stack.ts';

let stack: Stack;
let docker: Docker;
let agent: AgentProcess;
let workerId: string;
const name = `kombify-e2e-${process.pid}`;

beforeAll(async () => {
  docker = await requireDocker();
  await removeContainer(docker, name);
  stack = await startStack();
  ({ agent, workerId } = await stack.onlineAgent('e2e-node'));
});

afterAll(async () => {
  await removeContainer(docker, name);
  await stack?.stop();
});

describe('edge ⇄ agent ⇄ Docker', () => {
  it('lists the enrolled worker online with its node facts', async () => {
    const res = await stack.api(`/v1/orchestrator/workers/${workerId}`);
    expect(res.status).toBe(200);
    const worker = res.body.data;
    expect(worker.status).toBe('online');
    expect(worker.name).toBe('e2e-node');
    expect(worker.last_seen).not.toBeNull();
    expect(worker.agent_version).toBe('0.1.0');
    expect(worker.facts.docker_version).toMatch(/^\d+\.\d+/);
    expect(worker.facts.cpu_count).toBeGreaterThan(0);
    expect(worker.facts.memory_total_bytes).toBeGreaterThan(0);
    expect(['linux']).toContain(worker.facts.os);
  });

  it('runs docker.run: the container runs with our labels and the job succeeds with its result', async () => {
    const created = await stack.api('/v1/orchestrator/jobs', {
      body: {
        worker_id: workerId,
        type: 'docker.run',
        params: {
          image: TEST_IMAGE,
          name,
          command: ['sleep', '300'],
          env: { GREETING: 'hello' },
          labels: { team: 'e2e' },
        },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ status: 'queued', type: 'docker.run' });
    const jobId = created.body.data.id as string;

    const job = await stack.waitForJob(jobId, ['succeeded', 'failed']);
    expect(job.error).toBeNull();
    expect(job.status).toBe('succeeded');
    expect(job.attempt).toBe(1);
    expect(job.result).toMatchObject({ state: 'running', name, image: TEST_IMAGE, reused: false });

    const info = await docker.getContainer(name).inspect();
    expect(info.Id).toBe(job.result.container_id);
    expect(info.State.Running).toBe(true);
    expect(info.Config.Labels).toMatchObject({
      'kombify.managed': 'true',
      'kombify.job': jobId,
      team: 'e2e',
    });
    expect(info.Config.Env).toContain('GREETING=hello');
    expect(job.log.map((l: { text: string }) => l.text).join('\n')).toContain(`started ${name}`);
    expect(job.events.map((e: { kind: string }) => e.kind)).toEqual(['queued', 'leased', 'succeeded']);
  });

  it('answers node.facts with the node facts', async () => {
    const created = await stack.api('/v1/orchestrator/jobs', {
      body: { worker_id: workerId, type: 'node.facts' },
    });
    expect(created.status).toBe(201);
    const job = await stack.waitForJob(created.body.data.id, ['succeeded', 'failed']);
    expect(job.status).toBe('succeeded');
    expect(job.result.hostname).toBeTruthy();
    expect(job.result.agent_version).toBe('0.1.0');
  });

  it('fails docker.run with a clear message when the name is taken by another job', async () => {
    const created = await stack.api('/v1/orchestrator/jobs', {
      body: {
        worker_id: workerId,
        type: 'docker.run',
        params: { image: TEST_IMAGE, name, command: ['sleep', '1'] },
      },
    });
    const job = await stack.waitForJob(created.body.data.id, ['succeeded', 'failed']);
    expect(job.status).toBe('failed');
    expect(job.error.code).toBe('name_conflict');
    expect(job.error.message).toContain(name);
  });

  it('fails docker.run clearly when the image is missing and cannot be pulled', async () => {
    const created = await stack.api('/v1/orchestrator/jobs', {
      body: {
        worker_id: workerId,
        type: 'docker.run',
        params: { image: 'localhost:1/kombify/does-not-exist:never', name: `${name}-missing` },
      },
    });
    const job = await stack.waitForJob(created.body.data.id, ['succeeded', 'failed'], 60_000);
    expect(job.status).toBe('failed');
    expect(job.error.code).toBe('image_not_found');
    expect(job.error.message).toContain('localhost:1/kombify/does-not-exist:never');
    expect(await containersOfJob(docker, created.body.data.id)).toHaveLength(0);
  });

  it('removes the container with docker.remove, and a second remove is a no-op', async () => {
    const first = await stack.api('/v1/orchestrator/jobs', {
      body: { worker_id: workerId, type: 'docker.remove', params: { name } },
    });
    const removed = await stack.waitForJob(first.body.data.id, ['succeeded', 'failed']);
    expect(removed.status).toBe('succeeded');
    expect(removed.result).toMatchObject({ name, removed: true });
    await expect(docker.getContainer(name).inspect()).rejects.toMatchObject({ statusCode: 404 });

    const second = await stack.api('/v1/orchestrator/jobs', {
      body: { worker_id: workerId, type: 'docker.remove', params: { name } },
    });
    const again = await stack.waitForJob(second.body.data.id, ['succeeded', 'failed']);
    expect(again.status).toBe('succeeded');
    expect(again.result).toMatchObject({ name, removed: false });
  });

  it('refuses to remove a container kombify did not create', async () => {
    const foreign = `${name}-foreign`;
    await removeContainer(docker, foreign);
    const container = await docker.createContainer({
      name: foreign,
      Image: TEST_IMAGE,
      Cmd: ['sleep', '60'],
    });
    try {
      const created = await stack.api('/v1/orchestrator/jobs', {
        body: { worker_id: workerId, type: 'docker.remove', params: { name: foreign } },
      });
      const job = await stack.waitForJob(created.body.data.id, ['succeeded', 'failed']);
      expect(job.status).toBe('failed');
      expect(job.error.code).toBe('not_managed');
      expect((await container.inspect()).Id).toBe(container.id);
    } finally {
      await container.remove({ force: true });
    }
  });

  it('cancels a queued job for a worker that is offline', async () => {
    await agent.stop();
    // A stopping agent says goodbye: the worker shows offline at once, and keeps its facts.
    const offline = await stack.waitForWorker(workerId, 'offline', 5_000);
    expect(offline.facts.docker_version).toMatch(/^\d+\.\d+/);
    const created = await stack.api('/v1/orchestrator/jobs', {
      body: { worker_id: workerId, type: 'node.facts' },
    });
    expect(created.body.data.status).toBe('queued');
    const cancelled = await stack.api(`/v1/orchestrator/jobs/${created.body.data.id}/cancel`, {
      method: 'POST',
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data.status).toBe('cancelled');
    const again = await stack.api(`/v1/orchestrator/jobs/${created.body.data.id}/cancel`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CONFLICT');

    // Back online, the agent does not receive the cancelled job.
    agent = stack.startAgent(agent.dataDir);
    await stack.waitForWorker(workerId, 'online');
    const follow = await stack.api('/v1/orchestrator/jobs', {
      body: { worker_id: workerId, type: 'node.facts' },
    });
    await stack.waitForJob(follow.body.data.id, ['succeeded']);
    expect(agent.output()).not.toContain(created.body.data.id);
  });
});
