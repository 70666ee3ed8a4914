/**
 * OpenTofu state in the stack's Durable Object, with the real binary (terraform 1.11 here) and
 * the real edge (wrangler dev): first terraform talking to the HTTP backend directly (as a user
 * would), then tofu.plan / tofu.apply jobs run by a real agent.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signStateCredential } from '../../edge/src/tofu-state/state-credential.ts';
import { greetingConfig, slowConfig } from '../fixtures/tofu-configs.ts';
import { type AgentProcess, poll, type Stack, startStack } from '../harness/stack.ts';

const credentialSecret = 'e2e-credential-secret-0123456789-abcdefghij';
let stack: Stack;
const scratch = mkdtempSync(join(tmpdir(), 'kombify-tofu-e2e-'));

beforeAll(async () => {
  execFile('terraform', ['version'], (error) => {
    if (error) throw new Error('terraform is not on PATH: these tests run the real binary');
  });
  stack = await startStack({
    postgresUrl: process.env.KOMBIFY_TEST_POSTGRES_URL,
    vars: { TOFU_STATE_CREDENTIAL_SECRET: credentialSecret },
  });
});

afterAll(async () => {
  await stack?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

interface Backend {
  address: string;
  lock_address: string;
  unlock_address: string;
  username: string;
  password: string;
}

/** A real stack of the test org (creating it claims its state), and a state credential from the real route. */
async function newStack(name: string): Promise<{ id: string; backend: Backend }> {
  const created = await stack.api('/v1/orchestrator/stacks', {
    body: {
      spec: {
        name: `tf-${name}-${Math.random().toString(36).slice(2, 8)}`,
        nodes: [{ name: 'box', type: 'main' }],
      },
    },
  });
  expect(created.status).toBe(201);
  const id: string = created.body.data.id;
  const cred = await stack.api(`/v1/orchestrator/stacks/${id}/state-credentials`, { body: {} });
  expect(cred.status).toBe(201);
  expect(cred.body.data.backend.address).toBe(`${stack.edgeUrl}/v1/tofu-state/${id}`);
  expect(Date.parse(cred.body.data.expires_at)).toBeGreaterThan(Date.now());
  return { id, backend: cred.body.data.backend };
}

function tf(
  dir: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'terraform',
      args,
      { cwd: dir, env: { ...process.env, TF_IN_AUTOMATION: '1', ...env }, timeout: 90_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function backendEnv(b: Backend, password = b.password): Record<string, string> {
  return {
    TF_HTTP_ADDRESS: b.address,
    TF_HTTP_LOCK_ADDRESS: b.lock_address,
    TF_HTTP_UNLOCK_ADDRESS: b.unlock_address,
    TF_HTTP_USERNAME: b.username,
    TF_HTTP_PASSWORD: password,
  };
}

const config = (extra = '') => `
terraform {
  backend "http" {}
}
variable "marker" {
  type = string
}
resource "terraform_data" "a" {
  input = var.marker
}
output "marker" {
  value = terraform_data.a.output
}
${extra}
`;

const slow = (seconds: number) => `
resource "terraform_data" "slow" {
  triggers_replace = [var.marker]
  provisioner "local-exec" {
    command = "sleep ${seconds}"
  }
}
`;

function workdir(name: string, text: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'main.tf'), text);
  return dir;
}

async function stateOf(id: string, token = stack.adminToken) {
  const res = await fetch(`${stack.edgeUrl}/v1/tofu-state/${id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, state: res.status === 200 ? ((await res.json()) as any) : null };
}

async function versionsOf(id: string) {
  const res = await stack.api(`/v1/tofu-state/${id}/versions`);
  expect(res.status).toBe(200);
  return res.body.data as { lock: any; versions: { serial: number; lineage: string }[] };
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

describe('terraform against the edge state backend', () => {
  it('applies, stores the state encrypted and keeps every version', async () => {
    const { id, backend } = await newStack('direct');
    const dir = workdir('direct', config());
    const env = { ...backendEnv(backend), TF_VAR_marker: 'plaintext-marker-7f3a' };
    const init = await tf(dir, ['init', '-input=false', '-no-color'], env);
    expect(init.code, init.stderr).toBe(0);
    const apply = await tf(dir, ['apply', '-auto-approve', '-input=false', '-no-color'], env);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('marker = "plaintext-marker-7f3a"');

    const first = await stateOf(id);
    expect(first.status).toBe(200);
    expect(first.state.outputs.marker.value).toBe('plaintext-marker-7f3a');
    const changed = await tf(dir, ['apply', '-auto-approve', '-input=false', '-no-color'], {
      ...env,
      TF_VAR_marker: 'plaintext-marker-9c1d',
    });
    expect(changed.code, changed.stderr).toBe(0);
    const { versions } = await versionsOf(id);
    expect(versions.map((v) => v.serial)).toEqual([first.state.serial + 1, first.state.serial]);
    expect(new Set(versions.map((v) => v.lineage))).toEqual(new Set([first.state.lineage]));

    // On disk (workerd's SQLite files of the stack objects): the lineage is stored in the clear as
    // metadata, the state itself only as ciphertext.
    const files = filesUnder(stack.edgeStateDir).filter((f) => f.includes('StackObject'));
    const raw = Buffer.concat(files.map((f) => readFileSync(f))).toString('latin1');
    expect(raw).toContain(first.state.lineage);
    expect(raw).not.toContain('plaintext-marker-7f3a');
    expect(raw).not.toContain('plaintext-marker-9c1d');

    // Deleting is for operators; it leaves the history.
    const asAgent = await fetch(backend.address, {
      method: 'DELETE',
      headers: { authorization: `Basic ${btoa(`kombify:${backend.password}`)}` },
    });
    expect(asAgent.status).toBe(403);
    expect((await stack.api(`/v1/tofu-state/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await stateOf(id)).status).toBe(204);
    const after = await versionsOf(id);
    expect(after.versions.map((v: any) => v.deleted)).toEqual([true, false, false]);
  });

  it('two concurrent applies: one fails naming the lock holder, one waits; the state stays whole', async () => {
    const { id, backend } = await newStack('race');
    const env = { ...backendEnv(backend), TF_VAR_marker: 'one' };
    const dirs = ['race-1', 'race-2', 'race-3'].map((n) => workdir(n, config(slow(4))));
    for (const dir of dirs) expect((await tf(dir, ['init', '-input=false', '-no-color'], env)).code).toBe(0);

    const firstRun = tf(dirs[0]!, ['apply', '-auto-approve', '-input=false', '-no-color'], env);
    const held = await poll(
      async () => (await versionsOf(id)).lock,
      30_000,
      'the first apply to take the lock',
    );
    const second = await tf(
      dirs[1]!,
      ['apply', '-auto-approve', '-input=false', '-no-color', '-lock-timeout=0s'],
      {
        ...env,
        TF_VAR_marker: 'two',
      },
    );
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain('Error acquiring the state lock');
    expect(second.stderr.replace(/\s+/g, ' ')).toContain(`HTTP remote state already locked: ID=${held.ID}`);
    const thirdRun = tf(
      dirs[2]!,
      ['apply', '-auto-approve', '-input=false', '-no-color', '-lock-timeout=60s'],
      {
        ...env,
        TF_VAR_marker: 'three',
      },
    );
    const first = await firstRun;
    expect(first.code, first.stderr).toBe(0);
    const third = await thirdRun;
    expect(third.code, third.stderr).toBe(0);

    const { state } = await stateOf(id);
    expect(state.outputs.marker.value).toBe('three');
    const { versions, lock } = await versionsOf(id);
    expect(lock).toBeNull();
    // Every version is a step forward in one lineage; the failed run wrote nothing.
    const serials = versions.map((v) => v.serial);
    expect([...serials].sort((a, b) => b - a)).toEqual(serials);
    expect(new Set(versions.map((v) => v.lineage)).size).toBe(1);
  });

  it('force-unlock releases a lock left by a crashed run, for an operator key only', async () => {
    const { id, backend } = await newStack('unlock');
    const dir = workdir('unlock', config());
    const env = { ...backendEnv(backend), TF_VAR_marker: 'x' };
    expect((await tf(dir, ['init', '-input=false', '-no-color'], env)).code).toBe(0);
    const crashed = JSON.stringify({
      ID: 'crashed-run-1',
      Operation: 'OperationTypeApply',
      Who: 'agent@gone',
    });
    const locked = await fetch(backend.lock_address, {
      method: 'LOCK',
      headers: { authorization: `Basic ${btoa(`kombify:${backend.password}`)}` },
      body: crashed,
    });
    expect(locked.status).toBe(200);

    const blocked = await tf(dir, ['plan', '-input=false', '-no-color', '-lock-timeout=0s'], env);
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain('ID=crashed-run-1');

    const asAgent = await tf(dir, ['force-unlock', '-force', 'crashed-run-1'], env);
    expect(asAgent.code).not.toBe(0);
    expect(asAgent.stderr).toContain('403');
    const asOperator = await tf(dir, ['force-unlock', '-force', 'crashed-run-1'], {
      ...backendEnv(backend, stack.adminToken),
    });
    expect(asOperator.code, asOperator.stderr).toBe(0);
    expect(asOperator.stdout).toContain('successfully unlocked');
    const audit = await stack.api('/api/v1/audit-log');
    expect(audit.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'tofu_state.force_unlock',
          target: id,
          before: expect.objectContaining({ ID: 'crashed-run-1' }),
        }),
      ]),
    );
    const plan = await tf(dir, ['plan', '-input=false', '-no-color', '-lock-timeout=0s'], env);
    expect(plan.code, plan.stderr).toBe(0);
  });

  it('refuses a wrong or expired credential (401) and another org (404)', async () => {
    const { id, backend } = await newStack('auth');
    const dir = workdir('auth', config());
    const bad = await tf(dir, ['init', '-input=false', '-no-color'], backendEnv(backend, 'not-a-credential'));
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/requires auth|401/);

    const expired = await signStateCredential(credentialSecret, { stackId: id, orgId: stack.orgId }, -120);
    const res = await fetch(backend.address, {
      headers: { authorization: `Basic ${btoa(`kombify:${expired.token}`)}` },
    });
    expect(res.status).toBe(401);
    const forged = await signStateCredential('x'.repeat(40), { stackId: id, orgId: stack.orgId }, 600);
    expect(
      (await fetch(backend.address, { headers: { authorization: `Basic ${btoa(`k:${forged.token}`)}` } }))
        .status,
    ).toBe(401);

    const other = await stack.newTenant('tofu-other');
    expect((await stateOf(id, other.token)).status).toBe(404);
    const theirs = await stack.api(`/v1/orchestrator/stacks/${id}/state-credentials`, {
      body: {},
      token: other.token,
    });
    expect(theirs.status).toBe(404);
    const lock = await fetch(backend.lock_address, {
      method: 'LOCK',
      headers: { authorization: `Bearer ${other.token}` },
      body: JSON.stringify({ ID: 'x' }),
    });
    expect(lock.status).toBe(404);
    // The other org cannot claim it either.
    const claim = await stack.api(`/api/internal/tofu-state/${id}/owner`, {
      method: 'PUT',
      body: { org_id: other.orgId },
    });
    expect(claim.status).toBe(409);
  });
});

describe('tofu.plan / tofu.apply through a real agent', () => {
  let agent: AgentProcess;
  let workerId: string;

  beforeAll(async () => {
    ({ agent, workerId } = await stack.onlineAgent('tofu-node'));
  });

  async function job(type: string, params: Record<string, unknown>, statuses = ['succeeded', 'failed']) {
    const created = await stack.api('/v1/orchestrator/jobs', { body: { worker_id: workerId, type, params } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return stack.waitForJob(created.body.data.id, statuses, 90_000);
  }

  const files = { 'main.tf': greetingConfig };

  it('plans, refuses another plan, applies with outputs, stores the state, then destroys', async () => {
    const { id, backend } = await newStack('agent');
    const plan = await job('tofu.plan', { stack: id, files, vars: { greeting: 'hi' }, backend });
    expect(plan.status, JSON.stringify(plan.error)).toBe('succeeded');
    expect(plan.result).toMatchObject({
      changes: { add: 1, change: 0, destroy: 0 },
      resources: [{ address: 'terraform_data.hello', action: 'create' }],
      binary: 'terraform',
      plan_sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // The -json lines reached the edge as job logs, in order, and no credential did.
    const planned = plan.log
      .filter((l: any) => l.text.startsWith('{'))
      .map((l: any) => JSON.parse(l.text).type);
    expect(planned).toEqual(expect.arrayContaining(['version', 'planned_change', 'change_summary']));
    expect(JSON.stringify(plan.log)).not.toContain(backend.password);
    expect(plan.log.map((l: any) => l.seq)).toEqual(plan.log.map((_: unknown, i: number) => i + 1));

    const mismatch = await job('tofu.apply', { stack: id, plan_sha256: 'f'.repeat(64), backend });
    expect(mismatch.status).toBe('failed');
    expect(mismatch.error).toMatchObject({
      code: 'plan_mismatch',
      message: expect.stringContaining(plan.result.plan_sha256),
    });

    const apply = await job('tofu.apply', { stack: id, plan_sha256: plan.result.plan_sha256, backend });
    expect(apply.status, JSON.stringify(apply.error)).toBe('succeeded');
    expect(apply.result).toEqual({
      changes: { add: 1, change: 0, destroy: 0 },
      outputs: {
        greeting: { value: 'hi', sensitive: false, type: 'string' },
        token: { value: null, sensitive: true, type: 'string' },
      },
    });
    const applied = apply.log
      .filter((l: any) => l.text.startsWith('{'))
      .map((l: any) => JSON.parse(l.text).type);
    expect(applied).toEqual(
      expect.arrayContaining(['apply_start', 'apply_complete', 'change_summary', 'outputs']),
    );
    const { state } = await stateOf(id);
    expect(state.resources.map((r: any) => `${r.type}.${r.name}`)).toEqual(['terraform_data.hello']);

    const destroyPlan = await job('tofu.plan', {
      stack: id,
      files,
      vars: { greeting: 'hi' },
      backend,
      destroy: true,
    });
    expect(destroyPlan.result.changes).toEqual({ add: 0, change: 0, destroy: 1 });
    const destroyed = await job('tofu.apply', {
      stack: id,
      plan_sha256: destroyPlan.result.plan_sha256,
      backend,
    });
    expect(destroyed.status, JSON.stringify(destroyed.error)).toBe('succeeded');
    expect(destroyed.result).toEqual({ changes: { add: 0, change: 0, destroy: 1 }, outputs: {} });
    expect((await stateOf(id)).state.resources).toEqual([]);
    expect(agent.output()).not.toContain(backend.password);
  });

  it('a cancelled apply stops OpenTofu, which releases the state lock', async () => {
    const { id, backend } = await newStack('cancel');
    const slowFiles = { 'main.tf': slowConfig(60) };
    const plan = await job('tofu.plan', { stack: id, files: slowFiles, backend });
    expect(plan.status, JSON.stringify(plan.error)).toBe('succeeded');
    const created = await stack.api('/v1/orchestrator/jobs', {
      body: {
        worker_id: workerId,
        type: 'tofu.apply',
        params: { stack: id, plan_sha256: plan.result.plan_sha256, backend },
      },
    });
    const jobId = created.body.data.id;
    await poll(async () => (await versionsOf(id)).lock, 30_000, 'the apply to take the state lock');
    expect((await stack.api(`/v1/orchestrator/jobs/${jobId}/cancel`, { body: {} })).status).toBe(200);
    await stack.waitForJob(jobId, ['cancelled'], 20_000);
    await poll(async () => (await versionsOf(id)).lock === null, 30_000, 'the lock to be released');
  });
});
