/**
 * The OpenTofu HTTP state backend inside workerd, spoken to the way OpenTofu speaks (Basic auth,
 * LOCK/UNLOCK with LockInfo, POST ?ID=, Content-MD5), with state credentials. Operator keys and
 * the real binary are covered in test/e2e/tofu-state.e2e.test.ts.
 */
import { createExecutionContext, env, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { app } from '../app.ts';
import { randomId } from '../platform/ids.ts';
import type { StackObject } from '../stacks/object/stack-object.ts';
import { stateBackendFor } from './backend-for.ts';
import { signStateCredential } from './state-credential.ts';
import { openState, sealState } from './state-crypto.ts';

const vars = {
  TOFU_STATE_ENCRYPTION_KEY: 'test-encryption-key-0123456789-abcdefghijkl',
  TOFU_STATE_CREDENTIAL_SECRET: 'test-credential-secret-0123456789-abcdefgh',
  TOFU_STATE_VERSIONS_KEPT: '3',
};
const testEnv = { ...env, ...vars };

async function call(
  method: string,
  path: string,
  opts: { password?: string | null; body?: string; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.password) headers.authorization = `Basic ${btoa(`kombify:${opts.password}`)}`;
  const ctx = createExecutionContext();
  const res = await app.fetch(
    new Request(`http://edge.test${path}`, { method, headers, body: opts.body }),
    testEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

async function newStack(orgId = 'org_a') {
  const id = randomId('stk');
  await env.STACKS.get(env.STACKS.idFromName(id)).claim(orgId);
  const backend = await stateBackendFor(testEnv, 'https://edge.test/', { id, orgId });
  return { id, orgId, backend, path: `/v1/tofu-state/${id}` };
}

function state(serial: number, lineage = 'lin-1', extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    version: 4,
    terraform_version: '1.11.4',
    serial,
    lineage,
    outputs: {},
    resources: [],
    ...extra,
  });
}

function lockInfo(id: string, who = 'agent@node-1') {
  return JSON.stringify({
    ID: id,
    Operation: 'OperationTypeApply',
    Info: '',
    Who: who,
    Version: '1.11.4',
    Created: '2026-11-26T00:00:00Z',
    Path: '',
  });
}

describe('stateBackendFor', () => {
  it('gives one address for state, lock and unlock, and a credential for that stack only', async () => {
    const { id, backend } = await newStack();
    expect(backend).toEqual({
      address: `https://edge.test/v1/tofu-state/${id}`,
      lock_address: `https://edge.test/v1/tofu-state/${id}`,
      unlock_address: `https://edge.test/v1/tofu-state/${id}`,
      username: 'kombify',
      password: expect.stringMatching(/^ey/),
    });
  });
});

describe('state backend', () => {
  it('has no state at first (204), then stores it encrypted and returns it as pushed', async () => {
    const s = await newStack();
    expect((await call('GET', s.path, { password: s.backend.password })).status).toBe(204);
    const body = state(1, 'lin-1', {
      outputs: { secret: { value: 'plaintext-marker-123', type: 'string' } },
    });
    const put = await call('POST', s.path, { password: s.backend.password, body });
    expect(put.status).toBe(200);
    const got = await call('GET', s.path, { password: s.backend.password });
    expect(got.status).toBe(200);
    expect(got.headers.get('cache-control')).toBe('no-store');
    expect(await got.text()).toBe(body);

    await runInDurableObject(
      env.STACKS.get(env.STACKS.idFromName(s.id)),
      async (_obj: StackObject, state) => {
        const rows = state.storage.sql
          .exec<{ data: ArrayBuffer }>('SELECT data FROM tofu_state_chunks')
          .toArray();
        expect(rows).toHaveLength(1);
        const raw = new TextDecoder().decode(rows[0]!.data);
        expect(raw).not.toContain('plaintext-marker-123');
        expect(raw).not.toContain('lin-1');
      },
    );
  });

  it('keeps old versions (pruned to TOFU_STATE_VERSIONS_KEPT) and refuses going back in time', async () => {
    const s = await newStack();
    for (const serial of [1, 2, 3, 4]) {
      expect((await call('POST', s.path, { password: s.backend.password, body: state(serial) })).status).toBe(
        200,
      );
    }
    // A retried push of the same bytes is fine and changes nothing.
    const again = await call('POST', s.path, { password: s.backend.password, body: state(4) });
    expect(await again.json()).toMatchObject({ data: { unchanged: true } });

    const older = await call('POST', s.path, { password: s.backend.password, body: state(3) });
    expect(older.status).toBe(409);
    expect(((await older.json()) as any).error.message).toMatch(/serial 3 is older than the stored serial 4/);
    const sameSerial = await call('POST', s.path, {
      password: s.backend.password,
      body: state(4, 'lin-1', { outputs: { x: { value: 1 } } }),
    });
    expect(sameSerial.status).toBe(409);
    const otherLineage = await call('POST', s.path, {
      password: s.backend.password,
      body: state(9, 'lin-2'),
    });
    expect(otherLineage.status).toBe(409);
    expect(((await otherLineage.json()) as any).error.message).toMatch(/lineage lin-2 does not match/);

    expect(
      JSON.parse(await (await call('GET', s.path, { password: s.backend.password })).text()).serial,
    ).toBe(4);
    await runInDurableObject(env.STACKS.get(env.STACKS.idFromName(s.id)), async (obj: StackObject) => {
      expect(obj.tofuVersions().map((v) => v.serial)).toEqual([4, 3, 2]);
    });
  });

  it('refuses bodies that are not state, or damaged on the way (Content-MD5)', async () => {
    const s = await newStack();
    const notJson = await call('POST', s.path, { password: s.backend.password, body: 'nope' });
    expect(notJson.status).toBe(400);
    const noSerial = await call('POST', s.path, {
      password: s.backend.password,
      body: '{"version":4,"lineage":"x"}',
    });
    expect(((await noSerial.json()) as any).error.details).toEqual([
      expect.objectContaining({ path: 'serial' }),
    ]);
    const damaged = await call('POST', s.path, {
      password: s.backend.password,
      body: state(1),
      headers: { 'content-md5': '1B2M2Y8AsgTpgAmY7PhCfg==' },
    });
    expect(damaged.status).toBe(400);
    expect(((await damaged.json()) as any).error.message).toMatch(/Content-MD5/);
    const md5 = btoa(
      String.fromCharCode(
        ...new Uint8Array(await crypto.subtle.digest('MD5', new TextEncoder().encode(state(1)))),
      ),
    );
    expect(
      (
        await call('POST', s.path, {
          password: s.backend.password,
          body: state(1),
          headers: { 'content-md5': md5 },
        })
      ).status,
    ).toBe(200);
  });

  it("locks: the second LOCK gets 423 with the holder; writes need the holder's ID; UNLOCK needs it too", async () => {
    const s = await newStack();
    const pw = s.backend.password;
    expect((await call('LOCK', s.path, { password: pw, body: lockInfo('lock-a', 'alice@one') })).status).toBe(
      200,
    );
    // A retried LOCK by the holder succeeds.
    expect((await call('LOCK', s.path, { password: pw, body: lockInfo('lock-a', 'alice@one') })).status).toBe(
      200,
    );
    const second = await call('LOCK', s.path, { password: pw, body: lockInfo('lock-b', 'bob@two') });
    expect(second.status).toBe(423);
    expect(await second.json()).toMatchObject({ ID: 'lock-a', Who: 'alice@one' });

    const noId = await call('POST', s.path, { password: pw, body: state(1) });
    expect(noId.status).toBe(423);
    expect(((await noId.json()) as any).error.details.lock).toMatchObject({ ID: 'lock-a' });
    expect((await call('POST', `${s.path}?ID=lock-b`, { password: pw, body: state(1) })).status).toBe(423);
    expect((await call('POST', `${s.path}?ID=lock-a`, { password: pw, body: state(1) })).status).toBe(200);

    const wrongUnlock = await call('UNLOCK', s.path, { password: pw, body: lockInfo('lock-b') });
    expect(wrongUnlock.status).toBe(409);
    // Force-unlock (no lock info) is for operators, not for an agent's credential.
    expect((await call('UNLOCK', s.path, { password: pw })).status).toBe(403);
    expect((await call('UNLOCK', s.path, { password: pw, body: lockInfo('lock-a') })).status).toBe(200);
    // Unlocking again (a retry) is fine; a write with the old lock ID is not.
    expect((await call('UNLOCK', s.path, { password: pw, body: lockInfo('lock-a') })).status).toBe(200);
    const stale = await call('POST', `${s.path}?ID=lock-a`, { password: pw, body: state(2) });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as any).error.message).toMatch(/not held/);
    expect((await call('LOCK', s.path, { password: pw, body: lockInfo('lock-b') })).status).toBe(200);
  });

  it('refuses LOCK without lock info', async () => {
    const s = await newStack();
    expect((await call('LOCK', s.path, { password: s.backend.password })).status).toBe(400);
    expect((await call('LOCK', s.path, { password: s.backend.password, body: '{"Who":"x"}' })).status).toBe(
      400,
    );
  });
});

describe('state backend auth', () => {
  it('asks for Basic credentials (401) and refuses forged or expired ones', async () => {
    const s = await newStack();
    const none = await call('GET', s.path);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    const forged = await signStateCredential(
      'another-secret-0123456789-0123456789-x',
      { stackId: s.id, orgId: s.orgId },
      600,
    );
    expect((await call('GET', s.path, { password: forged.token })).status).toBe(401);
    const expired = await signStateCredential(
      vars.TOFU_STATE_CREDENTIAL_SECRET,
      { stackId: s.id, orgId: s.orgId },
      -120,
    );
    const res = await call('GET', s.path, { password: expired.token });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.code).toBe('AUTH_INVALID');
  });

  it('answers 404 for another stack, another org, or a stack nobody claimed', async () => {
    const a = await newStack('org_a');
    const b = await newStack('org_b');
    expect((await call('GET', b.path, { password: a.backend.password })).status).toBe(404);
    // A credential naming the right stack but the wrong org (the stack is org_b's).
    const wrongOrg = await stateBackendFor(testEnv, 'https://edge.test', { id: b.id, orgId: 'org_a' });
    expect((await call('GET', b.path, { password: wrongOrg.password })).status).toBe(404);
    const unclaimed = await stateBackendFor(testEnv, 'https://edge.test', {
      id: 'stk_nobody',
      orgId: 'org_a',
    });
    expect((await call('GET', '/v1/tofu-state/stk_nobody', { password: unclaimed.password })).status).toBe(
      404,
    );
    expect((await call('GET', '/v1/tofu-state/..', { password: a.backend.password })).status).toBe(404);
  });

  it('answers 503 when the state backend is not configured', async () => {
    const s = await newStack();
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request(`http://edge.test${s.path}`, {
        headers: { authorization: `Basic ${btoa(`k:${s.backend.password}`)}` },
      }),
      { ...env, TOFU_STATE_CREDENTIAL_SECRET: vars.TOFU_STATE_CREDENTIAL_SECRET },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(503);
    expect(((await res.json()) as any).error.message).toContain('TOFU_STATE_ENCRYPTION_KEY');
  });
});

describe('state encryption', () => {
  it('binds the ciphertext to its stack and reads versions made under the previous key', async () => {
    const plain = new TextEncoder().encode(state(1));
    const sealed = await sealState(vars.TOFU_STATE_ENCRYPTION_KEY, 'stk_1', plain);
    expect(await openState([vars.TOFU_STATE_ENCRYPTION_KEY], 'stk_1', sealed)).toEqual(plain);
    await expect(openState([vars.TOFU_STATE_ENCRYPTION_KEY], 'stk_2', sealed)).rejects.toThrow();
    const rotated = 'a-new-encryption-key-0123456789-0123456789';
    expect(await openState([rotated, vars.TOFU_STATE_ENCRYPTION_KEY], 'stk_1', sealed)).toEqual(plain);
    await expect(openState([rotated], 'stk_1', sealed)).rejects.toThrow(/no configured key/);
  });
});
