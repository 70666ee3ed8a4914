/**
 * The org secret store over REST against a real edge and PostgreSQL: values are write-only (no
 * route answers with one), members read metadata but cannot write, another org sees nothing, bad
 * input is a 400 with field paths and stores nothing, and the audit log never holds a value.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../edge/src/platform/db/client.ts';
import { createApiKey } from '../../scripts/lib/seed.ts';
import { type Stack, startStack } from '../harness/stack.ts';

let stack: Stack;
let memberToken: string;
const VALUE = 'pg-secret-value-7f3a9c';

beforeAll(async () => {
  stack = await startStack();
  memberToken = await createApiKey(stack.db.config, { orgId: stack.orgId, name: 'member', role: 'member' });
});

afterAll(async () => {
  await stack?.stop();
});

async function rows(query: ReturnType<typeof sql>): Promise<any[]> {
  const { db, close } = openDb(stack.db.config);
  try {
    return (await db.execute(query)).rows as any[];
  } finally {
    await close();
  }
}

const put = (path: string, body: unknown, token?: string | null) =>
  stack.api(`/v1/orchestrator/secrets/${path}`, {
    method: 'PUT',
    body,
    ...(token !== undefined ? { token } : {}),
  });

describe('secret store', () => {
  it('stores a value encrypted and answers with metadata only; a second write is version 2', async () => {
    const first = await put('postgres/password', { value: VALUE });
    expect(first.status).toBe(201);
    expect(first.body.data).toMatchObject({ path: 'postgres/password', version: 1 });
    expect(JSON.stringify(first.body)).not.toContain(VALUE);
    const second = await put('postgres/password', { value: `${VALUE}-2` });
    expect(second.status).toBe(200);
    expect(second.body.data.version).toBe(2);
    const stored = await rows(sql`select * from secrets where path = 'postgres/password'`);
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(VALUE);
  });

  it('lists and reads metadata, never a value', async () => {
    const list = await stack.api('/v1/orchestrator/secrets');
    expect(list.status).toBe(200);
    expect(list.body.data.map((s: any) => s.path)).toContain('postgres/password');
    for (const s of list.body.data)
      expect(Object.keys(s).sort()).toEqual(['path', 'updated_at', 'updated_by', 'version']);
    expect(JSON.stringify(list.body)).not.toContain(VALUE);
    const one = await stack.api('/v1/orchestrator/secrets/postgres/password');
    expect(one.status).toBe(200);
    expect(one.body.data).not.toHaveProperty('value');
  });

  it('a member reads metadata but cannot write, generate or delete', async () => {
    expect((await stack.api('/v1/orchestrator/secrets', { token: memberToken })).status).toBe(200);
    expect((await put('member/try', { value: 'x' }, memberToken)).status).toBe(403);
    const gen = await stack.api('/v1/orchestrator/secrets/member/try/generate', {
      method: 'POST',
      body: {},
      token: memberToken,
    });
    expect(gen.status).toBe(403);
    const del = await stack.api('/v1/orchestrator/secrets/postgres/password', {
      method: 'DELETE',
      token: memberToken,
    });
    expect(del.status).toBe(403);
    expect(await rows(sql`select path from secrets where path = 'member/try'`)).toHaveLength(0);
  });

  it('another org sees none of it', async () => {
    const other = await stack.newTenant('secrets-other');
    const list = await stack.api('/v1/orchestrator/secrets', { token: other.token });
    expect(list.body.data).toEqual([]);
    expect(
      (await stack.api('/v1/orchestrator/secrets/postgres/password', { token: other.token })).status,
    ).toBe(404);
    expect(
      (
        await stack.api('/v1/orchestrator/secrets/postgres/password', {
          method: 'DELETE',
          token: other.token,
        })
      ).status,
    ).toBe(404);
  });

  it('bad input is a 400 with field paths and stores nothing', async () => {
    const empty = await put('bad/empty', { value: '' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.details[0].path).toBe('value');
    // A literal or %2E-encoded `a/../b` is resolved by the URL parser before it is sent; with an encoded slash it reaches the edge.
    const encoded = await put('a/..%2Fb', { value: 'x' });
    expect(encoded.status).toBe(400);
    expect(encoded.body.error.details[0].path).toBe('path');
    const badPath = await put('bad%20path!', { value: 'x' });
    expect(badPath.status).toBe(400);
    expect(badPath.body.error.details[0].path).toBe('path');
    const huge = await put('bad/huge', { value: 'x'.repeat(1024 * 1024) });
    expect(huge.status).toBe(400);
    const count = await rows(sql`select path from secrets where path like 'bad%' or path like 'a/%'`);
    expect(count).toHaveLength(0);
  });

  it('generate stores a random value and answers with metadata; delete removes it', async () => {
    const gen = await stack.api('/v1/orchestrator/secrets/app/token/generate', {
      method: 'POST',
      body: { length: 40, alphabet: 'abc123' },
    });
    expect(gen.status).toBe(201);
    expect(gen.body.data).toMatchObject({ path: 'app/token', version: 1 });
    expect(gen.body.data).not.toHaveProperty('value');
    const del = await stack.api('/v1/orchestrator/secrets/app/token', { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect((await stack.api('/v1/orchestrator/secrets/app/token')).status).toBe(404);
    // A body that is not JSON is the caller's mistake (400), and nothing is stored.
    const bad = await stack.api('/v1/orchestrator/secrets/app/other/generate', { body: '{length: 40' });
    expect(bad.status, JSON.stringify(bad.body)).toBe(400);
    expect((await stack.api('/v1/orchestrator/secrets/app/other')).status).toBe(404);
  });

  it('every change is audited without the value', async () => {
    const audit = await rows(
      sql`select action, target, before, after from audit_log where action like 'secret.%'`,
    );
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['secret.put', 'secret.generate', 'secret.delete']),
    );
    expect(JSON.stringify(audit)).not.toContain(VALUE);
  });
});
