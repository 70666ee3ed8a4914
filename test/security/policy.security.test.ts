/**
 * H2: an operator is not root on every node. A node with the policy the installer writes
 * (`kombify-agent policy init`) refuses what the review found any operator could send — raw jobs,
 * OpenTofu, bind mounts of / and of the Docker socket, raw sim.node.create — before any executor
 * runs, and reports `policy_denied` with the field that would allow it. No edge and no Docker:
 * the agent's job runner with a stand-in client and the executors replaced by a spy.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { JobSchema } from '@kombify/proto/agent/v1';
import { describe, expect, it, vi } from 'vitest';
import type { AgentClient } from '../../agent/src/edge-client.ts';
import { fileDirs } from '../../agent/src/executors/converge/files.ts';
import { JobRunner } from '../../agent/src/job-runner.ts';
import { Outbox } from '../../agent/src/outbox.ts';
import { loadPolicy } from '../../agent/src/policy/policy.ts';

const execute = vi.hoisted(() => vi.fn(async () => ({})));
vi.mock('../../agent/src/executors/index.ts', () => ({ execute }));

const dir = mkdtempSync(join(tmpdir(), 'h2-'));
const policyPath = join(dir, 'etc', 'policy.json');
execFileSync(process.execPath, [
  join(import.meta.dirname, '../../agent/bin/kombify-agent.js'),
  'policy',
  'init',
  '--policy',
  policyPath,
]);

const outcomes = new Map<string, { case: string; value: any }>();
const client = {
  appendLogs: async () => ({ storedThroughSeq: 0n }),
  reportProgress: async () => ({ cancelled: false }),
  completeJob: async (req: { jobId: string; outcome: { case: string; value: any } }) => {
    outcomes.set(req.jobId, req.outcome);
    return { applied: true, status: 'done' };
  },
} as unknown as AgentClient;
const runner = new JobRunner(client, new Outbox(dir), () => loadPolicy(policyPath));

let n = 0;
async function run(type: string, origin: string, params: Record<string, unknown> = {}) {
  const id = `job_h2${n++}`;
  await runner.handle(create(JobSchema, { id, leaseId: 'lease_1', type, origin, params: params as any }));
  return outcomes.get(id)!;
}

const converge = (source: string, service = 'app', image = 'alpine:3') => ({
  stack: 'lab',
  node: 'n1',
  services: [{ service, name: `lab-${service}`, image, mounts: [{ type: 'bind', source, target: '/host' }] }],
});

describe('H2 a node refuses what its owner has not allowed', () => {
  it('H2 raw jobs, OpenTofu, binds of / and the Docker socket, raw sim.node.create: policy_denied, nothing run', async () => {
    const refused: [string, string, Record<string, unknown>, string][] = [
      ['docker.run', 'api', { image: 'alpine', name: 'x' }, '"raw_jobs": true'],
      ['sim.node.create', 'api', {}, '"raw_jobs": true'],
      ['tofu.plan', 'stack', {}, '"opentofu": true'],
      ['stack.converge', 'stack', converge('/'), 'bind_mounts.docker_socket'],
      ['stack.converge', 'stack', converge('/var/run/docker.sock'), 'bind_mounts.docker_socket'],
      ['stack.converge', 'stack', converge('/etc'), 'bind_mounts.allowed_prefixes'],
    ];
    for (const [type, origin, params, field] of refused) {
      const outcome = await run(type, origin, params);
      expect(outcome.case, type).toBe('error');
      expect(outcome.value.code, type).toBe('policy_denied');
      expect(outcome.value.message).toContain(field);
      expect(outcome.value.message).toContain(policyPath);
    }
    expect(execute).not.toHaveBeenCalled();
  });

  it("H2 the workflow's jobs run, with binds into the stack's own directory and the socket for its kit proxy", async () => {
    const ownDir = join(fileDirs().stacks, 'lab', 'data');
    expect((await run('stack.converge', 'stack', converge(ownDir))).case).toBe('result');
    expect(
      (await run('stack.converge', 'stack', converge('/var/run/docker.sock', 'traefik', 'traefik:v3.1')))
        .case,
    ).toBe('result');
    expect((await run('node.prechecks', 'stack')).case).toBe('result');
    expect(execute).toHaveBeenCalledTimes(3);
  });
});
