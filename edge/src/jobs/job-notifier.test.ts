/**
 * How a job's outcome reaches its submitter, inside workerd: `waitForJob` answers when the job
 * ends (or when the caller's patience runs out), a notice is delivered once, and a notice whose
 * receiver fails is kept and tried again from the alarm. No sleeps: time is moved by editing the
 * stored due time.
 */
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { randomId } from '../platform/ids.ts';
import type { AgentIdentity, AgentObject } from './agent-object.ts';
import type { JobNotify } from './job-notice.ts';
import { openJobStore } from './job-store.ts';
import type { JobStream } from './job-stream.ts';
import { getNotice } from './notice-store.ts';

function freshAgent() {
  const agentId = randomId('agt');
  const stub = env.AGENTS.get(env.AGENTS.idFromName(agentId));
  const identity: AgentIdentity = { agentId, orgId: 'org_test', publicKeyJwk: { kty: 'EC' } };
  return { agentId, stub, identity };
}

/** The lease of the job the stream delivered (it ends itself after maxAgeMs). */
async function leaseOf(stream: JobStream, jobId: string): Promise<string> {
  for await (const ev of stream.events({
    keepaliveMs: 1000,
    maxAgeMs: 30,
    signal: new AbortController().signal,
  })) {
    if (ev.event.case === 'job' && ev.event.value.id === jobId) return ev.event.value.leaseId;
  }
  throw new Error(`job ${jobId} was not delivered`);
}

function enqueue(agent: AgentObject, agentId: string, notify?: JobNotify) {
  return agent.enqueue({
    id: randomId('job'),
    orgId: 'org_test',
    agentId,
    type: 'node.facts',
    params: {},
    ...(notify ? { notify } : {}),
  });
}

describe('job outcomes', () => {
  it('waitForJob answers when the job ends, without polling', async () => {
    const { stub, agentId, identity } = freshAgent();
    await runInDurableObject(stub, async (agent: AgentObject) => {
      const job = await enqueue(agent, agentId);
      const lease = await leaseOf(await agent.openStream(identity), job.id);
      const waiting = agent.waitForJob(job.id, 60_000);
      await agent.completeJob(job.id, lease, { kind: 'result', result: { ok: true } });
      const ended = await waiting;
      expect(ended).toMatchObject({ id: job.id, status: 'succeeded', result: { ok: true } });
      // Once ended, a wait answers at once.
      expect((await agent.waitForJob(job.id, 60_000))?.status).toBe('succeeded');
    });
  });

  it('waitForJob gives the job as it is when the wait runs out, and null for an unknown job', async () => {
    const { stub, agentId } = freshAgent();
    await runInDurableObject(stub, async (agent: AgentObject) => {
      const job = await enqueue(agent, agentId);
      expect((await agent.waitForJob(job.id, 20))?.status).toBe('queued');
      expect(await agent.waitForJob('job_unknown', 20)).toBeNull();
    });
  });

  it('tells a stack once when its job ends (a cancel counts)', async () => {
    const { stub, agentId } = freshAgent();
    await runInDurableObject(stub, async (agent: AgentObject, state) => {
      // No stack holds this id: the StackObject answers that it had nothing to apply, which is a
      // delivery all the same.
      const notify: JobNotify = { kind: 'stack', stackId: 'stk_nonexistent', workflowId: 'wfl_x_y' };
      const job = await enqueue(agent, agentId, notify);
      expect(getNotice(openJobStore(state.storage), job.id)).toMatchObject({ target: notify, dueAt: null });
      await agent.cancelJob(job.id, 'not needed');
      await agent.waitForJob(job.id, 10_000);
      const notice = getNotice(openJobStore(state.storage), job.id)!;
      expect(notice.deliveredAt).not.toBeNull();
      expect(notice).toMatchObject({ attempts: 1, dueAt: null });
    });
  });

  it('keeps a notice its receiver could not take and tries again from the alarm', async () => {
    const { stub, agentId } = freshAgent();
    // The workers test environment has no database, so a simulated node's outcome cannot be written.
    const notify: JobNotify = {
      kind: 'simulation',
      orgId: 'org_test',
      simulationId: 'sim_x',
      nodeId: 'node_x',
      action: 'create',
    };
    const jobId = await runInDurableObject(stub, async (agent: AgentObject, state) => {
      const job = await enqueue(agent, agentId, notify);
      await agent.cancelJob(job.id, 'not needed');
      await agent.waitForJob(job.id, 10_000);
      const notice = getNotice(openJobStore(state.storage), job.id)!;
      expect(notice).toMatchObject({ attempts: 1, deliveredAt: null });
      expect(notice.dueAt).toBeGreaterThan(Date.now());
      state.storage.sql.exec('UPDATE job_notices SET due_at = ? WHERE job_id = ?', Date.now() - 1, job.id);
      return job.id;
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await runInDurableObject(stub, async (_agent: AgentObject, state) => {
      const notice = getNotice(openJobStore(state.storage), jobId)!;
      expect(notice).toMatchObject({ attempts: 2, deliveredAt: null });
      // Still due later: the alarm stays set for it.
      expect(notice.dueAt).toBeGreaterThan(Date.now());
      expect(await state.storage.getAlarm()).not.toBeNull();
    });
  });
});
