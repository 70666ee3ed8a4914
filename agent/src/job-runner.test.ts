/**
 * The job runner asks the node's policy before it runs a job (issue 20, H2): a refused job reaches
 * no executor, and its outcome is a `policy_denied` failure that says what to change and where.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { JobSchema } from '@kombify/proto/agent/v1';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AgentClient } from './edge-client.ts';
import { JobRunner } from './job-runner.ts';
import { Outbox } from './outbox.ts';
import { loadPolicy } from './policy/policy.ts';

const execute = vi.hoisted(() => vi.fn(async () => ({ ran: true })));
vi.mock('./executors/index.ts', () => ({ execute }));

interface Completed {
  jobId: string;
  outcome: { case: string; value: any };
}

function fakeClient(completed: Completed[], logs: string[]): AgentClient {
  return {
    appendLogs: async (req: { lines: { text: string }[] }) => {
      logs.push(...req.lines.map((l) => l.text));
      return { storedThroughSeq: 0n };
    },
    reportProgress: async () => ({ cancelled: false }),
    completeJob: async (req: Completed) => {
      completed.push(req);
      return { applied: true, status: 'done' };
    },
  } as unknown as AgentClient;
}

function job(type: string, origin: string) {
  return create(JobSchema, {
    id: `job_${type.replace(/\W/g, '')}${origin}`,
    leaseId: 'lease_1',
    type,
    origin,
  });
}

describe('JobRunner and the node policy', () => {
  let completed: Completed[];
  let logs: string[];
  let dir: string;
  let policyPath: string;
  let runner: JobRunner;

  beforeEach(() => {
    execute.mockClear();
    completed = [];
    logs = [];
    dir = mkdtempSync(join(tmpdir(), 'runner-'));
    policyPath = join(dir, 'policy.json');
    runner = new JobRunner(fakeClient(completed, logs), new Outbox(dir), () => loadPolicy(policyPath));
  });

  it('H2 refuses a raw job before any executor runs and reports policy_denied', async () => {
    await runner.handle(job('docker.run', 'api'));
    expect(execute).not.toHaveBeenCalled();
    expect(completed).toHaveLength(1);
    expect(completed[0]!.outcome.case).toBe('error');
    expect(completed[0]!.outcome.value).toMatchObject({ code: 'policy_denied', retryable: false });
    expect(completed[0]!.outcome.value.message).toContain(`"raw_jobs": true in ${policyPath}`);
    expect(logs.join('\n')).toContain("refused by this node's policy");
  });

  it('H2 runs a workflow job, and reads an edited policy with the next job', async () => {
    await runner.handle(job('node.facts', 'stack'));
    expect(execute).toHaveBeenCalledTimes(1);
    expect(completed[0]!.outcome.case).toBe('result');

    await runner.handle(job('node.facts', 'api'));
    expect(completed[1]!.outcome.value.code).toBe('policy_denied');
    writeFileSync(policyPath, JSON.stringify({ version: 1, raw_jobs: true }));
    await runner.handle(job('node.facts', 'api2'));
    expect(completed[2]!.outcome.case).toBe('result');

    // A broken edit: no job runs until it is fixed, and the refusal names the field.
    writeFileSync(policyPath, JSON.stringify({ version: 1, raw_jobs: 'sometimes' }));
    await runner.handle(job('node.facts', 'stack2'));
    expect(completed[3]!.outcome.value.code).toBe('policy_denied');
    expect(completed[3]!.outcome.value.message).toMatch(/not valid.*raw_jobs/);
    expect(execute).toHaveBeenCalledTimes(2);
  });
});
