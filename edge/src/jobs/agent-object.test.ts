/**
 * The dispatcher's state machine inside workerd: leases, outcomes applied once, cancel, lease
 * expiry through the alarm, redelivery on reconnect. Time is moved by editing stored expiries,
 * never by sleeping.
 */

import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import type { ReceiveJobsResponse } from '@kombify/proto/agent/v1';
import { describe, expect, it } from 'vitest';
import { randomId } from '../platform/ids.ts';
import type { AgentIdentity, AgentObject } from './agent-object.ts';
import type { JobStream } from './job-stream.ts';

function freshAgent() {
  const agentId = randomId('agt');
  const stub = env.AGENTS.get(env.AGENTS.idFromName(agentId));
  const identity: AgentIdentity = { agentId, orgId: 'org_test', publicKeyJwk: { kty: 'EC' } };
  return { agentId, stub, identity };
}

/** Drains what a stream has queued (it ends itself after maxAgeMs). */
async function drain(stream: JobStream): Promise<ReceiveJobsResponse['event'][]> {
  const out: ReceiveJobsResponse['event'][] = [];
  for await (const ev of stream.events({
    keepaliveMs: 1000,
    maxAgeMs: 30,
    signal: new AbortController().signal,
  })) {
    out.push(ev.event);
  }
  return out;
}

const jobsOf = (events: ReceiveJobsResponse['event'][]) =>
  events.flatMap((e) => (e.case === 'job' ? [e.value] : []));

function enqueue(agent: AgentObject, agentId: string, type = 'node.facts', id = randomId('job')) {
  return agent.enqueue({ id, orgId: 'org_test', agentId, type, params: {} });
}

describe('AgentObject', () => {
  it('queues jobs while the agent is away and leases them, in order, when it connects', async () => {
    const { stub, agentId, identity } = freshAgent();
    await runInDurableObject(stub, async (agent: AgentObject) => {
      const first = await enqueue(agent, agentId);
      const second = await enqueue(agent, agentId);
      expect(first.status).toBe('queued');
      const again = await agent.enqueue({
        id: first.id,
        orgId: 'org_test',
        agentId,
        type: 'node.facts',
        params: {},
      });
      expect(again.id).toBe(first.id);

      const stream = await agent.openStream(identity);
      const events = await drain(stream);
      expect(events[0]?.case).toBe('keepalive');
      const jobs = jobsOf(events);
      expect(jobs.map((j) => j.id)).toEqual([first.id, second.id]);
      expect(jobs.every((j) => j.leaseId.startsWith('lease_') && j.attempt === 1)).toBe(true);
      expect(agent.getJob(first.id)?.status).toBe('running');
    });
  });

  it('H2 hands each job to the agent with its origin; one without an origin arrives with none', async () => {
    const { stub, agentId, identity } = freshAgent();
    await runInDurableObject(stub, async (agent: AgentObject) => {
      const stack = await agent.enqueue({
        id: randomId('job'),
        orgId: 'org_test',
        agentId,
        type: 'stack.verify',
        params: {},
        origin: 'stack',
      });
      const unknown = await enqueue(agent, agentId);
      const jobs = jobsOf(await drain(await agent.openStream(identity)));
      expect(jobs.map((j) => [j.id, j.origin])).toEqual([
        [stack.id, 'stack'],
        [unknown.id, ''],
      ]);
    });
  });

  it('applies an outcome once: a repeat with the same lease is acknowledged, not applied', async () => {
    const { stub, agentId, identity } = freshAgent();
    await runInDurableObject(stub, async (agent: AgentObject) => {
      const queued = await enqueue(agent, agentId, 'docker.run');
      const [job] = jobsOf(await drain(await agent.openStream(identity)));
      const first = await agent.completeJob(queued.id, job!.leaseId, {
        kind: 'result',
        result: { container_id: 'c1' },
      });
      const repeat = await agent.completeJob(queued.id, job!.leaseId, {
        kind: 'result',
        result: { container_id: 'c2' },
      });
      expect(first).toEqual({ status: 'succeeded', applied: true });
      expect(repeat).toEqual({ status: 'succeeded', applied: false });
      expect(agent.getJob(queued.id)?.result).toEqual({ container_id: 'c1' });
      expect(() => agent.appendLogs(queued.id, 'lease_forged', [])).toThrow(/no job .* with lease/);
      await expect(
        agent.completeJob(queued.id, 'lease_forged', { kind: 'result', result: {} }),
      ).rejects.toThrow(/no job .* with lease/);
    });
  });

  it('stores log lines once per sequence number', async () => {
    const { stub, agentId, identity } = freshAgent();
    await runInDurableObject(stub, async (agent: AgentObject) => {
      const queued = await enqueue(agent, agentId);
      const [job] = jobsOf(await drain(await agent.openStream(identity)));
      const line = (seq: number, text: string) => ({ seq, at: Date.now(), stream: 'stdout', text });
      expect(agent.appendLogs(queued.id, job!.leaseId, [line(1, 'a'), line(2, 'b')])).toBe(2);
      expect(agent.appendLogs(queued.id, job!.leaseId, [line(2, 'b again'), line(3, 'c')])).toBe(3);
      expect(agent.getJob(queued.id)?.log.map((l) => l.text)).toEqual(['a', 'b', 'c']);
    });
  });

  it('cancels a running job: the agent is told, and a late outcome does not revive it', async () => {
    const { stub, agentId, identity } = freshAgent();
    await runInDurableObject(stub, async (agent: AgentObject) => {
      const queued = await enqueue(agent, agentId);
      const stream = await agent.openStream(identity);
      const [job] = jobsOf(await drain(stream));
      const live = await agent.openStream(identity);
      await drain(live);
      const cancelled = await agent.cancelJob(queued.id, 'operator changed their mind');
      expect(cancelled?.status).toBe('cancelled');
      expect(cancelled?.error).toEqual({ code: 'cancelled', message: 'operator changed their mind' });
      expect(agent.reportProgress(queued.id, job!.leaseId, 'still going', 50).cancelled).toBe(true);
      expect(await agent.completeJob(queued.id, job!.leaseId, { kind: 'result', result: {} })).toEqual({
        status: 'cancelled',
        applied: false,
      });
    });
  });

  it('takes a job back when its lease runs out, retries it, and fails it when attempts are used up', async () => {
    const { stub, agentId, identity } = freshAgent();
    const jobId = await runInDurableObject(stub, async (agent: AgentObject, state) => {
      const queued = await enqueue(agent, agentId);
      await drain(await agent.openStream(identity));
      state.storage.sql.exec('UPDATE jobs SET lease_expires_at = ? WHERE id = ?', Date.now() - 1, queued.id);
      return queued.id;
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await runInDurableObject(stub, async (agent: AgentObject, state) => {
      const job = agent.getJob(jobId)!;
      expect(job.status).toBe('queued');
      expect(job.events.at(-1)?.message).toContain('lease expired');
      // Attempts used up: the next expiry fails the job with the reason.
      state.storage.sql.exec(
        "UPDATE jobs SET status = 'running', attempt = max_attempts, lease_expires_at = ? WHERE id = ?",
        Date.now() - 1,
        jobId,
      );
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await runInDurableObject(stub, async (agent: AgentObject) => {
      expect(agent.getJob(jobId)?.error?.code).toBe('lease_expired');
    });
  });

  it('sends running jobs again under the same lease when the agent reconnects, counting attempts', async () => {
    const { stub, agentId, identity } = freshAgent();
    await runInDurableObject(stub, async (agent: AgentObject) => {
      const queued = await enqueue(agent, agentId);
      const [first] = jobsOf(await drain(await agent.openStream(identity)));
      const [second] = jobsOf(await drain(await agent.openStream(identity)));
      expect(second?.id).toBe(queued.id);
      expect(second?.leaseId).toBe(first?.leaseId);
      expect(second?.attempt).toBe(2);
      // Every reconnect uses an attempt; when none are left the job fails instead of looping.
      await drain(await agent.openStream(identity));
      const last = jobsOf(await drain(await agent.openStream(identity)));
      expect(last).toEqual([]);
      expect(agent.getJob(queued.id)?.error?.code).toBe('agent_lost');
    });
  });

  it('requeues a retryable failure with a delay and fails a permanent one', async () => {
    const { stub, agentId, identity } = freshAgent();
    await runInDurableObject(stub, async (agent: AgentObject) => {
      const retry = await enqueue(agent, agentId);
      const fail = await enqueue(agent, agentId);
      const jobs = jobsOf(await drain(await agent.openStream(identity)));
      const lease = (id: string) => jobs.find((j) => j.id === id)!.leaseId;
      const r = await agent.completeJob(retry.id, lease(retry.id), {
        kind: 'error',
        code: 'docker_unavailable',
        message: 'engine down',
        retryable: true,
      });
      expect(r.status).toBe('queued');
      const f = await agent.completeJob(fail.id, lease(fail.id), {
        kind: 'error',
        code: 'name_conflict',
        message: 'taken',
        retryable: false,
      });
      expect(f).toEqual({ status: 'failed', applied: true });
      expect(agent.getJob(fail.id)?.error).toEqual({ code: 'name_conflict', message: 'taken' });
    });
  });
});

describe('FetchJobSecrets grants', () => {
  it('serves only the running job’s current lease, and gives a failed read’s grant back', async () => {
    const { stub, agentId, identity } = freshAgent();
    await runInDurableObject(stub, async (agent: AgentObject) => {
      const job = await agent.enqueue({
        id: randomId('job'),
        orgId: 'org_test',
        agentId,
        type: 'stack.converge',
        params: { secrets: ['db/pw'] },
      });
      const jobs = jobsOf(await drain(await agent.openStream(identity)));
      const leaseId = jobs.find((j) => j.id === job.id)!.leaseId;
      await expect(agent.fetchJobSecrets(identity, job.id, 'lease_other')).rejects.toThrow(
        /no job .* with lease/,
      );
      // No database in this test: the read fails, and the lease may try again (the grant went back).
      await expect(agent.fetchJobSecrets(identity, job.id, leaseId)).rejects.toThrow(/database/);
      await expect(agent.fetchJobSecrets(identity, job.id, leaseId)).rejects.toThrow(/database/);
      await agent.completeJob(job.id, leaseId, { kind: 'result', result: {} });
      await expect(agent.fetchJobSecrets(identity, job.id, leaseId)).rejects.toThrow(/succeeded/);
    });
  });
});
