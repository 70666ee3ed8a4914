/**
 * Faults with real processes: an agent killed mid-job and restarted, an agent that never comes
 * back (lease expiry, retry, failure with a reason), and an edge restarted under a connected agent.
 * Jobs end exactly once: one recorded outcome, one container.
 */
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containersOfJob, removeContainer, requireDocker, TEST_IMAGE } from '../harness/docker.ts';
import { type Stack, startStack } from '../harness/stack.ts';

let stack: Stack;
let docker: Docker;
const names: string[] = [];

beforeAll(async () => {
  docker = await requireDocker();
  stack = await startStack({
    vars: { JOB_LEASE_SECONDS: '3', JOB_MAX_ATTEMPTS: '2', JOB_QUEUE_TIMEOUT_SECONDS: '15' },
  });
});

afterAll(async () => {
  for (const name of names) await removeContainer(docker, name);
  await stack?.stop();
});

function runParams(suffix: string) {
  const name = `kombify-fault-${process.pid}-${suffix}`;
  names.push(name);
  return { image: TEST_IMAGE, name, command: ['sleep', '300'] };
}

const kinds = (job: { events: { kind: string }[] }) => job.events.map((e) => e.kind);

describe('agent killed during a job', () => {
  it('after the job ran but before its outcome was sent: the outbox delivers it once after restart', async () => {
    const { agent, workerId } = await stack.onlineAgent('fault-outbox', {
      KOMBIFY_AGENT_FAILPOINTS: 'after-execute',
    });
    const created = await stack.api('/v1/orchestrator/jobs', {
      body: { worker_id: workerId, type: 'docker.run', params: runParams('outbox') },
    });
    const jobId = created.body.data.id;
    expect(await agent.exited).toBeNull(); // killed by SIGKILL at the failpoint
    expect((await stack.api(`/v1/orchestrator/jobs/${jobId}`)).body.data.status).toBe('running');

    const restarted = stack.startAgent(agent.dataDir);
    const job = await stack.waitForJob(jobId, ['succeeded', 'failed']);
    expect(job.status).toBe('succeeded');
    expect(kinds(job).filter((k) => k === 'succeeded')).toHaveLength(1);
    const containers = await containersOfJob(docker, jobId);
    expect(containers).toHaveLength(1);
    expect(job.result.container_id).toBe(containers[0]!.Id);
    await restarted.waitFor(/job outcome recorded|already ended/);
    await restarted.stop();
  });

  it('after it received the job but before running it: the redelivered job runs once', async () => {
    const { agent, workerId } = await stack.onlineAgent('fault-receive', {
      KOMBIFY_AGENT_FAILPOINTS: 'after-receive',
    });
    const created = await stack.api('/v1/orchestrator/jobs', {
      body: { worker_id: workerId, type: 'docker.run', params: runParams('receive') },
    });
    const jobId = created.body.data.id;
    expect(await agent.exited).toBeNull();

    const restarted = stack.startAgent(agent.dataDir);
    const job = await stack.waitForJob(jobId, ['succeeded', 'failed']);
    expect(job.status).toBe('succeeded');
    expect(job.attempt).toBe(2);
    expect(kinds(job)).toEqual(['queued', 'leased', 'redelivered', 'succeeded']);
    expect(await containersOfJob(docker, jobId)).toHaveLength(1);
    await restarted.stop();
  });

  it('a job that kills its agent on every delivery fails with the reason once attempts run out', async () => {
    const { agent, workerId } = await stack.onlineAgent('fault-poison', {
      KOMBIFY_AGENT_FAILPOINTS: 'after-receive',
    });
    const created = await stack.api('/v1/orchestrator/jobs', {
      body: { worker_id: workerId, type: 'node.facts' },
    });
    const jobId = created.body.data.id;
    await agent.exited;
    const second = stack.startAgent(agent.dataDir, { KOMBIFY_AGENT_FAILPOINTS: 'after-receive' });
    await second.exited;
    const third = stack.startAgent(agent.dataDir);
    const job = await stack.waitForJob(jobId, ['failed', 'succeeded']);
    expect(job.status).toBe('failed');
    expect(job.error.code).toBe('agent_lost');
    expect(job.error.message).toContain('2 deliveries');
    await third.stop();
  });
});

describe('agent that vanishes', () => {
  it('its lease expires, the job is retried on the next connection and succeeds once', async () => {
    const { agent, workerId } = await stack.onlineAgent('fault-lease', {
      KOMBIFY_AGENT_FAILPOINTS: 'after-receive',
    });
    const created = await stack.api('/v1/orchestrator/jobs', {
      body: { worker_id: workerId, type: 'docker.run', params: runParams('lease') },
    });
    const jobId = created.body.data.id;
    await agent.exited;
    const requeued = await stack.waitForJob(jobId, ['queued'], 15_000);
    const reason = requeued.events.find((e: { kind: string }) => e.kind === 'requeued');
    expect(reason.message).toContain('lease expired');

    const back = stack.startAgent(agent.dataDir);
    const job = await stack.waitForJob(jobId, ['succeeded', 'failed']);
    expect(job.status).toBe('succeeded');
    expect(job.attempt).toBe(2);
    expect(await containersOfJob(docker, jobId)).toHaveLength(1);
    await back.stop();
  });

  it('a job whose worker never comes back fails with a clear reason', async () => {
    const { agent, workerId } = await stack.onlineAgent('fault-gone', {
      KOMBIFY_AGENT_FAILPOINTS: 'after-receive',
    });
    const created = await stack.api('/v1/orchestrator/jobs', {
      body: { worker_id: workerId, type: 'node.facts' },
    });
    await agent.exited;
    const job = await stack.waitForJob(created.body.data.id, ['failed', 'succeeded'], 30_000);
    expect(job.status).toBe('failed');
    expect(job.error.code).toBe('worker_offline');
    expect(job.error.message).toMatch(/did not pick the job up within \d+ s/);
  });
});

describe('edge restart', () => {
  it('the agent reconnects by itself within a few seconds and keeps running jobs', async () => {
    const { agent, workerId } = await stack.onlineAgent('fault-edge');
    await stack.restartEdge();
    const back = Date.now();
    await stack.waitForWorker(workerId, 'online', 20_000);
    await agent.waitFor(/connected to the edge[\s\S]*connected to the edge/, 10_000);
    expect(Date.now() - back).toBeLessThan(10_000);

    const created = await stack.api('/v1/orchestrator/jobs', {
      body: { worker_id: workerId, type: 'node.facts' },
    });
    const job = await stack.waitForJob(created.body.data.id, ['succeeded', 'failed']);
    expect(job.status).toBe('succeeded');
    await agent.stop();
  });
});
