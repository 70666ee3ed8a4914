/**
 * tofu.plan and tofu.apply with the real binary on this machine (terraform 1.11 here; OpenTofu
 * where installed), local state, and only built-in resources, so nothing is downloaded. The HTTP
 * state backend is exercised end to end in test/e2e/tofu-state.e2e.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { greetingConfig, slowConfig } from '../../../test/fixtures/tofu-configs.ts';
import type { ExecContext } from './context.ts';
import { execute } from './index.ts';
import { JobFailure } from './job-error.ts';

const config = greetingConfig;

let dataDir: string;
const savedDataDir = process.env.KOMBIFY_AGENT_DATA_DIR;

beforeAll(() => {
  // Fails loudly (not skipped) where the binary is missing: these tests are about running it.
  execFileSync('terraform', ['version'], { stdio: 'ignore' });
  dataDir = mkdtempSync(join(tmpdir(), 'kombify-tofu-exec-'));
  process.env.KOMBIFY_AGENT_DATA_DIR = dataDir;
});
afterAll(() => {
  process.env.KOMBIFY_AGENT_DATA_DIR = savedDataDir;
  rmSync(dataDir, { recursive: true, force: true });
});

function context(signal = new AbortController().signal) {
  const logs: { stream: string; text: string }[] = [];
  const progress: string[] = [];
  const ctx: ExecContext = {
    jobId: 'job_test',
    signal,
    log: (stream, text) => logs.push({ stream, text }),
    progress: (message) => progress.push(message),
    fetchSecrets: async () => ({}),
  };
  return { ctx, logs, progress };
}

async function failure(p: Promise<unknown>): Promise<JobFailure> {
  try {
    await p;
  } catch (error) {
    if (error instanceof JobFailure) return error;
    throw error;
  }
  throw new Error('expected the job to fail');
}

describe('tofu.plan / tofu.apply (real binary, local state)', () => {
  it('plans, refuses another plan hash, applies, reports outputs without sensitive values, destroys', async () => {
    const planCtx = context();
    const plan = (await execute(
      'tofu.plan',
      {
        stack: 'stk_exec',
        files: { 'main.tf': config, 'old.tf': '', 'home.tfvars': 'greeting = "hello"\n' },
      },
      planCtx.ctx,
    )) as any;
    expect(plan).toMatchObject({
      plan_sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      changes: { add: 1, change: 0, destroy: 0 },
      resources: [{ address: 'terraform_data.hello', action: 'create' }],
      binary: expect.stringMatching(/^(tofu|terraform)$/),
      version: expect.stringMatching(/^\d+\.\d+/),
    });
    // Every -json line went to the log as it came.
    const json = planCtx.logs.filter((l) => l.stream === 'stdout' && l.text.startsWith('{'));
    expect(json.some((l) => JSON.parse(l.text).type === 'planned_change')).toBe(true);
    expect(planCtx.progress).toContain('Plan: 1 to add, 0 to change, 0 to destroy.');

    const wrong = await failure(
      execute('tofu.apply', { stack: 'stk_exec', plan_sha256: '0'.repeat(64) }, context().ctx),
    );
    expect(wrong.code).toBe('plan_mismatch');
    expect(wrong.message).toContain(plan.plan_sha256);

    const applyCtx = context();
    const applied = (await execute(
      'tofu.apply',
      { stack: 'stk_exec', plan_sha256: plan.plan_sha256 },
      applyCtx.ctx,
    )) as any;
    expect(applied).toEqual({
      changes: { add: 1, change: 0, destroy: 0 },
      outputs: {
        greeting: { value: 'hello', sensitive: false, type: 'string' },
        token: { value: null, sensitive: true, type: 'string' },
      },
    });
    expect(JSON.stringify(applyCtx.logs)).not.toContain('s3cr3t');
    const dir = join(dataDir, 'stacks/stk_exec/default');
    expect(existsSync(join(dir, 'kombify.tfplan'))).toBe(false);
    expect(readFileSync(join(dir, 'terraform.tfstate'), 'utf8')).toContain('"serial"');

    // The spent plan cannot be applied twice.
    const again = await failure(
      execute('tofu.apply', { stack: 'stk_exec', plan_sha256: plan.plan_sha256 }, context().ctx),
    );
    expect(again.code).toBe('plan_mismatch');

    // The next plan drops old.tf (no longer given) and plans the destroy.
    const destroyPlan = (await execute(
      'tofu.plan',
      { stack: 'stk_exec', files: { 'main.tf': config }, vars: { greeting: 'hello' }, destroy: true },
      context().ctx,
    )) as any;
    expect(existsSync(join(dir, 'old.tf'))).toBe(false);
    expect(destroyPlan.changes).toEqual({ add: 0, change: 0, destroy: 1 });
    expect(destroyPlan.resources).toEqual([{ address: 'terraform_data.hello', action: 'delete' }]);
    const destroyed = (await execute(
      'tofu.apply',
      { stack: 'stk_exec', plan_sha256: destroyPlan.plan_sha256 },
      context().ctx,
    )) as any;
    expect(destroyed).toEqual({ changes: { add: 0, change: 0, destroy: 1 }, outputs: {} });
  });

  it("fails with OpenTofu's own error for a broken configuration", async () => {
    const res = await failure(
      execute('tofu.plan', { stack: 'stk_broken', files: { 'main.tf': 'resource "nope" {' } }, context().ctx),
    );
    expect(res.code).toBe('tofu_failed');
    expect(res.message).toMatch(
      /init failed: .*(Argument or block definition required|Unclosed configuration block)/,
    );
  });

  it('stops a running apply on cancel with SIGINT, and the state lock is free again', async () => {
    const plan = (await execute(
      'tofu.plan',
      { stack: 'stk_cancel', files: { 'main.tf': slowConfig(60) } },
      context().ctx,
    )) as any;
    const abort = new AbortController();
    const run = context(abort.signal);
    const applying = execute('tofu.apply', { stack: 'stk_cancel', plan_sha256: plan.plan_sha256 }, run.ctx);
    const started = Date.now();
    while (!run.progress.some((p) => p.includes('Creating'))) {
      if (Date.now() - started > 30_000) throw new Error(`apply did not start: ${JSON.stringify(run.logs)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    abort.abort();
    const res = await failure(applying);
    expect(res.code).toBe('cancelled');
    expect(run.logs.map((l) => l.text).join('\n')).toMatch(/Interrupt received|Stopping operation|cancelled/);
    // The lock was released: a new plan takes it at once (lock_timeout_s is 0).
    const next = (await execute(
      'tofu.plan',
      { stack: 'stk_cancel', files: { 'main.tf': slowConfig(60) } },
      context().ctx,
    )) as any;
    expect(next.plan_sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
