/**
 * A stack with OpenTofu files through the whole workflow, with the real binary (terraform 1.11
 * here), a real agent, the real Docker engine and the real edge (wrangler dev): provision waits
 * for approval with the tofu plan in its plan step, apply reports the outputs, the state lives in
 * the stack's Durable Object (the HTTP backend, reached with a fresh credential per job), and
 * destroy runs `plan -destroy` + apply. A state lock held by someone else fails the apply naming
 * the holder; after UNLOCK a redeploy succeeds. Deleting the stack deletes its state. A scheduled
 * drift check names a service whose container was removed behind kombify's back.
 */
import { execFileSync } from 'node:child_process';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeStackResources, requireDocker, TEST_IMAGE } from '../harness/docker.ts';
import { homelab } from '../harness/homelab.ts';
import { poll, type Stack, startStack } from '../harness/stack.ts';

let stack: Stack;
let docker: Docker;
let workerId: string;
const run = `ot${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const stackIds: string[] = [];

// Built-in resources only: nothing to download.
const files = {
  'main.tf': `
variable "marker" {
  type = string
}
resource "terraform_data" "marker" {
  input = var.marker
}
output "marker" {
  value = terraform_data.marker.output
}
output "secret" {
  value     = "s3cr3t-\${var.marker}"
  sensitive = true
}
`,
};

beforeAll(async () => {
  try {
    execFileSync('terraform', ['version']);
  } catch {
    throw new Error('terraform is not on PATH: these tests run the real binary');
  }
  docker = await requireDocker();
  // One attempt per job: a held state lock fails the apply at once (it is retryable otherwise).
  stack = await startStack({
    postgresUrl: process.env.KOMBIFY_TEST_POSTGRES_URL,
    vars: { JOB_MAX_ATTEMPTS: '1' },
  });
  ({ workerId } = await stack.onlineAgent(`${run}-node`));
  expect((await stack.api(`/v1/orchestrator/workers/${workerId}/approve`, { method: 'POST' })).status).toBe(
    200,
  );
});

afterAll(async () => {
  for (const id of stackIds) if (docker) await removeStackResources(docker, id);
  await stack?.stop();
});

const step = (wf: any, name: string) => wf.steps.find((s: any) => s.name === name);

async function start(path: string, body: unknown): Promise<string> {
  const res = await stack.api(path, { body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.data.id;
}

async function until(id: string, statuses: string[], timeoutMs = 150_000) {
  return poll(
    async () => {
      const wf = (await stack.api(`/v1/orchestrator/workflows/${id}`)).body.data;
      return statuses.includes(wf?.status) ? wf : null;
    },
    timeoutMs,
    `workflow ${id} to reach ${statuses.join('|')}`,
  );
}

async function state(id: string) {
  const res = await fetch(`${stack.edgeUrl}/v1/tofu-state/${id}`, {
    headers: { authorization: `Bearer ${stack.adminToken}` },
  });
  return { status: res.status, body: res.status === 200 ? ((await res.json()) as any) : null };
}

const lockAt = (id: string, method: 'LOCK' | 'UNLOCK', info: object) =>
  fetch(`${stack.edgeUrl}/v1/tofu-state/${id}`, {
    method,
    headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(info),
  });

/** base-homelab minimal on the local worker, with the OpenTofu files above. */
async function createTofuStack(name: string, marker: string, extra: object = {}): Promise<string> {
  const lab = await homelab({ name: `${run}-${name}`, variant: 'minimal', image: TEST_IMAGE });
  const created = await stack.api('/v1/orchestrator/stacks', {
    body: {
      yaml: lab.spec,
      options: { images: lab.images },
      tofu: { files, vars: { marker } },
      bindings: { local: { worker_id: workerId } },
      ...extra,
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  stackIds.push(created.body.data.id);
  return created.body.data.id;
}

describe('a stack with OpenTofu files', () => {
  it('plans, waits for approval, applies with outputs, keeps state in the Durable Object, and destroys', async () => {
    const id = await createTofuStack('tf', 'first');
    // Creating the stack claimed its state for the org: the backend answers (no state yet).
    expect((await state(id)).status).toBe(204);

    const wfId = await start(`/v1/orchestrator/stacks/${id}/provision`, {});
    const waiting = await until(wfId, ['awaiting_approval', 'failed']);
    expect(waiting.status, JSON.stringify(waiting.error ?? waiting.steps)).toBe('awaiting_approval');
    const planned = step(waiting, 'plan').detail.tofu;
    expect(planned.changes).toEqual({ add: 1, change: 0, destroy: 0 });
    expect(planned.resources).toEqual([{ address: 'terraform_data.marker', action: 'create' }]);
    expect(planned.plan_sha256).toMatch(/^[0-9a-f]{64}$/);
    // Nothing applied before the approval.
    expect((await state(id)).status).toBe(204);
    // The credential went to the agent, never into the run's views.
    const tofuPlan = waiting.jobs.find((j: any) => j.type === 'tofu.plan');
    expect(tofuPlan.status).toBe('succeeded');
    expect(JSON.stringify(waiting)).not.toMatch(/password|eyJ[A-Za-z0-9_-]{10,}\./);

    expect((await stack.api(`/v1/orchestrator/workflows/${wfId}/approve`, { method: 'POST' })).status).toBe(
      200,
    );
    const done = await until(wfId, ['succeeded', 'failed', 'cancelled']);
    expect(done.status, JSON.stringify(done.error ?? done.steps)).toBe('succeeded');
    const applied = step(done, 'apply').detail.tofu;
    expect(applied.changes).toEqual({ add: 1, change: 0, destroy: 0 });
    expect(applied.outputs.marker).toMatchObject({ value: 'first', sensitive: false });
    expect(applied.outputs.secret).toEqual({ value: null, sensitive: true, type: 'string' });
    const details = (await stack.api(`/v1/orchestrator/stacks/${id}`)).body.data;
    expect(details.status).toBe('deployed');
    expect(details.tofu_outputs.marker.value).toBe('first');

    // The state is in the stack's Durable Object, written by the agent's terraform.
    const stored = await state(id);
    expect(stored.status).toBe(200);
    expect(stored.body.serial).toBeGreaterThanOrEqual(1);
    expect(stored.body.resources.map((r: any) => `${r.type}.${r.name}`)).toEqual(['terraform_data.marker']);
    expect(stored.body.outputs.marker.value).toBe('first');
    const versions = (await stack.api(`/v1/tofu-state/${id}/versions`)).body.data;
    expect(versions.lock).toBeNull();

    // Destroy: plan -destroy in the plan step, applied with the containers' removal.
    const destroyId = await start(`/v1/orchestrator/stacks/${id}/destroy`, { auto_approve: true });
    const destroyed = await until(destroyId, ['succeeded', 'failed', 'cancelled']);
    expect(destroyed.status, JSON.stringify(destroyed.error ?? destroyed.steps)).toBe('succeeded');
    expect(step(destroyed, 'plan').detail.tofu.changes).toEqual({ add: 0, change: 0, destroy: 1 });
    expect(destroyed.jobs.map((j: any) => j.type).sort()).toEqual([
      'stack.remove',
      'tofu.apply',
      'tofu.plan',
    ]);
    const after = await state(id);
    expect(after.body.serial).toBeGreaterThan(stored.body.serial);
    expect(after.body.resources).toEqual([]);
    expect((await stack.api(`/v1/orchestrator/stacks/${id}`)).body.data.tofu_outputs).toEqual({});
    expect(await docker.listContainers({ all: true, filters: { label: [`kombify.stack=${id}`] } })).toEqual(
      [],
    );

    // Deleting the stack deletes its state (and who owned it): the backend no longer knows it.
    expect((await stack.api(`/v1/orchestrator/stacks/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await state(id)).status).toBe(404);
  });

  it('fails an apply while someone else holds the state lock, naming the holder; after UNLOCK it deploys', async () => {
    const id = await createTofuStack('lk', 'locked');

    const wfId = await start(`/v1/orchestrator/stacks/${id}/provision`, {});
    expect((await until(wfId, ['awaiting_approval', 'failed'])).status).toBe('awaiting_approval');
    // An operator takes the lock between plan and apply (as a `terraform` run elsewhere would).
    const holder = { ID: `${run}-holder`, Operation: 'OperationTypeApply', Who: 'ops@elsewhere' };
    expect((await lockAt(id, 'LOCK', holder)).status).toBe(200);
    expect((await stack.api(`/v1/orchestrator/workflows/${wfId}/approve`, { method: 'POST' })).status).toBe(
      200,
    );
    const failed = await until(wfId, ['succeeded', 'failed', 'cancelled']);
    expect(failed.status).toBe('failed');
    expect(step(failed, 'apply').status).toBe('failed');
    expect(failed.error.code).toBe('state_locked');
    // terraform names the holder by the ID from the backend's 423 (its "Lock Info" block that
    // follows is its own attempted lock, not the holder's).
    expect(failed.error.message).toContain(`already locked: ID=${holder.ID}`);
    // Nothing was written while the lock was held, and the stack is not deleted under the holder.
    expect((await state(id)).status).toBe(204);
    const del = await stack.api(`/v1/orchestrator/stacks/${id}`, { method: 'DELETE' });
    expect(del.status).toBe(409);
    expect(del.body.error.message).toContain(holder.ID);

    expect((await lockAt(id, 'UNLOCK', holder)).status).toBe(200);
    const again = await until(
      await start(`/v1/orchestrator/stacks/${id}/provision`, { auto_approve: true }),
      ['succeeded', 'failed', 'cancelled'],
    );
    expect(again.status, JSON.stringify(again.error ?? again.steps)).toBe('succeeded');
    expect(step(again, 'apply').detail.tofu.outputs.marker.value).toBe('locked');
    expect((await state(id)).body.serial).toBeGreaterThanOrEqual(1);
  });

  it('reports drift on schedule when a container is removed behind its back, naming the service', async () => {
    const id = await createTofuStack('dr', 'drift', { drift_interval_seconds: 3 });
    const deployed = await until(
      await start(`/v1/orchestrator/stacks/${id}/provision`, { auto_approve: true }),
      ['succeeded', 'failed'],
    );
    expect(deployed.status, JSON.stringify(deployed.error ?? deployed.steps)).toBe('succeeded');
    const driftOf = async () => (await stack.api(`/v1/orchestrator/stacks/${id}`)).body.data.drift;
    // The first scheduled check finds everything as deployed (containers and OpenTofu alike).
    const clean = await poll(async () => (await driftOf()).last, 60_000, 'a first drift check');
    expect(clean, JSON.stringify(clean)).toMatchObject({ drifted: false, services: [] });

    const [dozzle] = await docker.listContainers({
      all: true,
      filters: { label: [`kombify.stack=${id}`, 'kombify.service=dozzle'] },
    });
    await docker.getContainer(dozzle!.Id).remove({ force: true });
    const drift = await poll(
      async () => {
        const last = (await driftOf()).last;
        return last?.drifted ? last : null;
      },
      60_000,
      'drift to be reported',
    );
    expect(drift.services).toEqual([
      expect.objectContaining({ node: 'local', service: 'dozzle', action: 'create' }),
    ]);
    const check = (await stack.api(`/v1/orchestrator/workflows/${drift.workflow_id}`)).body.data;
    expect(check.kind).toBe('drift');
    expect(check.events.map((e: any) => e.message).join('\n')).toContain('local/dozzle would create');
    // A drift check only looks: the container is still gone.
    expect(
      await docker.listContainers({
        all: true,
        filters: { label: [`kombify.stack=${id}`, 'kombify.service=dozzle'] },
      }),
    ).toEqual([]);
    expect(
      (
        await stack.api(`/v1/orchestrator/stacks/${id}/settings`, {
          method: 'PUT',
          body: { drift_interval_seconds: 0 },
        })
      ).status,
    ).toBe(200);
  });
});
