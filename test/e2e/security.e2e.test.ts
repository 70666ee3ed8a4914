/**
 * Who may call what: enrollment tokens are one-time and expire; agent tokens must be signed by the
 * agent's own enrolled key, unexpired, short-lived and about that agent; API keys are checked.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Code, ConnectError } from '@connectrpc/connect';
import { sql } from 'drizzle-orm';
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentClient } from '../../agent/src/edge-client.ts';
import type { Identity } from '../../agent/src/identity.ts';
import { openDb } from '../../edge/src/platform/db/client.ts';
import { randomId, randomSecret, sha256Hex } from '../../edge/src/platform/ids.ts';
import { createEnrollmentToken } from '../../edge/src/workers/store.ts';
import { type Stack, startStack } from '../harness/stack.ts';

let stack: Stack;
let a: Identity;
let b: Identity;

beforeAll(async () => {
  stack = await startStack();
  const first = await stack.enrollAgent({ name: 'sec-a' });
  const second = await stack.enrollAgent({ name: 'sec-b' });
  expect(first.code).toBe(0);
  expect(second.code).toBe(0);
  a = JSON.parse(readFileSync(join(first.dataDir, 'identity.json'), 'utf8'));
  b = JSON.parse(readFileSync(join(second.dataDir, 'identity.json'), 'utf8'));
});

afterAll(async () => {
  await stack?.stop();
});

async function workerCount(): Promise<number> {
  return (await stack.api('/v1/orchestrator/workers')).body.pagination.total;
}

describe('enrollment tokens', () => {
  it('are one-time: a reused token is refused with a clear message and nothing is enrolled', async () => {
    const token = await stack.enrollmentToken();
    const first = await stack.enrollAgent({ token });
    expect(first.code).toBe(0);
    const before = await workerCount();
    const again = await stack.enrollAgent({ token });
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(
      /Enrollment refused: enrollment token was already used at .*; create a new one/,
    );
    expect(existsSync(join(again.dataDir, 'identity.json'))).toBe(false);
    expect(await workerCount()).toBe(before);
  });

  it('expire: an expired token is refused with a clear message', async () => {
    const token = randomSecret('kfe');
    const { db, close } = openDb(stack.db.config);
    await createEnrollmentToken(db, {
      id: randomId('enr'),
      orgId: stack.orgId,
      hash: await sha256Hex(token),
      description: 'expired on purpose',
      expiresAt: new Date(Date.now() - 60_000),
    });
    await close();
    const res = await stack.enrollAgent({ token });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/enrollment token expired at .*; create a new one/);
  });

  it('unknown and malformed tokens are refused', async () => {
    const unknown = await stack.enrollAgent({ token: randomSecret('kfe') });
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('enrollment token not recognised');
    const malformed = await stack.enrollAgent({ token: 'hello' });
    expect(malformed.code).toBe(3);
    expect(malformed.stderr).toContain('malformed');
  });

  it('are stored hashed, never in clear', async () => {
    const token = await stack.enrollmentToken();
    const { db, close } = openDb(stack.db.config);
    const rows = await db.execute<{ hash: string }>(sql`select hash from enrollment_tokens`);
    await close();
    const stored = rows.rows.map((r) => r.hash);
    expect(stored).toContain(await sha256Hex(token));
    expect(stored).not.toContain(token);
  });
});

async function sign(opts: {
  key: CryptoKey | Uint8Array;
  sub: string;
  iat?: number;
  exp?: number;
  aud?: string;
  alg?: string;
}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: opts.alg ?? 'ES256' })
    .setIssuer(opts.sub)
    .setSubject(opts.sub)
    .setAudience(opts.aud ?? 'kombify:agent-api')
    .setIssuedAt(opts.iat ?? now)
    .setExpirationTime(opts.exp ?? now + 300)
    .sign(opts.key);
}

async function heartbeatWith(token: string | null) {
  const client = createAgentClient(stack.edgeUrl, token === null ? undefined : async () => token);
  return client.heartbeat({});
}

async function refusal(token: string | null): Promise<ConnectError> {
  try {
    await heartbeatWith(token);
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error('the call was accepted');
}

describe('agent tokens', () => {
  it('a token signed with the agent key is accepted (control)', async () => {
    const key = await importJWK(a.private_key_jwk, 'ES256');
    const res = await heartbeatWith(await sign({ key, sub: a.agent_id }));
    expect(res.heartbeatIntervalSeconds).toBeGreaterThan(0);
  });

  it('a missing token is refused', async () => {
    const error = await refusal(null);
    expect(error.code).toBe(Code.Unauthenticated);
    expect(error.rawMessage).toContain('agent token required');
  });

  it('a token signed with another key is refused', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const error = await refusal(await sign({ key: privateKey, sub: a.agent_id }));
    expect(error.code).toBe(Code.Unauthenticated);
    expect(error.rawMessage).toContain("does not match the agent's enrolled key");
  });

  it("a token naming another agent, signed with this agent's key, is refused", async () => {
    const key = await importJWK(a.private_key_jwk, 'ES256');
    const error = await refusal(await sign({ key, sub: b.agent_id }));
    expect(error.code).toBe(Code.Unauthenticated);
  });

  it('an expired token is refused', async () => {
    const key = await importJWK(a.private_key_jwk, 'ES256');
    const now = Math.floor(Date.now() / 1000);
    const error = await refusal(await sign({ key, sub: a.agent_id, iat: now - 900, exp: now - 600 }));
    expect(error.code).toBe(Code.Unauthenticated);
    expect(error.rawMessage).toContain('expired');
  });

  it('a long-lived token is refused', async () => {
    const key = await importJWK(a.private_key_jwk, 'ES256');
    const now = Math.floor(Date.now() / 1000);
    const error = await refusal(await sign({ key, sub: a.agent_id, exp: now + 86_400 }));
    expect(error.code).toBe(Code.Unauthenticated);
    expect(error.rawMessage).toContain('lifetime');
  });

  it('a token for another audience is refused', async () => {
    const key = await importJWK(a.private_key_jwk, 'ES256');
    const error = await refusal(await sign({ key, sub: a.agent_id, aud: 'someone-else' }));
    expect(error.code).toBe(Code.Unauthenticated);
  });

  it('an unsigned (alg none) or HMAC token is refused', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const payload = Buffer.from(
      JSON.stringify({ iss: a.agent_id, sub: a.agent_id, aud: 'kombify:agent-api', iat: now, exp: now + 60 }),
    ).toString('base64url');
    expect((await refusal(`${header}.${payload}.`)).code).toBe(Code.Unauthenticated);
    const hmacKey = new TextEncoder().encode(JSON.stringify(a.public_key_jwk));
    expect((await refusal(await sign({ key: hmacKey, sub: a.agent_id, alg: 'HS256' }))).code).toBe(
      Code.Unauthenticated,
    );
  });

  it('the job stream refuses a forged token too', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await sign({ key: privateKey, sub: a.agent_id });
    const client = createAgentClient(stack.edgeUrl, async () => token);
    const stream = client.receiveJobs({});
    await expect(
      (async () => {
        for await (const _ of stream) return 'got a message';
      })(),
    ).rejects.toMatchObject({ code: Code.Unauthenticated });
  });

  it('an enrolled key cannot be replaced by enrolling with a used token', async () => {
    const { publicKey } = await generateKeyPair('ES256');
    const client = createAgentClient(stack.edgeUrl);
    await expect(
      client.enroll({
        enrollmentToken: randomSecret('kfe'),
        publicKeyJwk: JSON.stringify(await exportJWK(publicKey)),
        name: 'x',
      }),
    ).rejects.toMatchObject({ code: Code.Unauthenticated });
  });
});
