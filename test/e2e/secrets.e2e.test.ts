/**
 * The org secret store over REST and over ConnectRPC (SecretService) against a real edge and
 * PostgreSQL: values are write-only (no route or method answers with one), members read metadata
 * but cannot write, another org sees nothing, bad input is a 400 / INVALID_ARGUMENT with field
 * paths and stores nothing, and the audit log never holds a value.
 */
import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { BadRequestSchema } from '@kombify/proto/google/rpc';
import { SecretService } from '@kombify/proto/orchestrator/v1/secrets';
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

describe('ConnectRPC SecretService', () => {
  const RPC_VALUE = 'rpc-secret-value-91c4e2';
  const client = (token: string) =>
    createClient(
      SecretService,
      createConnectTransport({
        baseUrl: stack.edgeUrl,
        httpVersion: '1.1',
        interceptors: [
          (next) => (req) => {
            req.header.set('authorization', `Bearer ${token}`);
            return next(req);
          },
        ],
      }),
    );
  // Connect's JSON form, as curl sends it: the answer's bytes, to look for the value in.
  const rpc = async (method: string, body: unknown, token: string = stack.adminToken) => {
    const res = await fetch(`${stack.edgeUrl}/kombify.orchestrator.v1.SecretService/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: res.status, text: await res.text(), cacheControl: res.headers.get('cache-control') };
  };
  // A thunk, so no call is left rejected while another is awaited.
  const failure = (call: () => Promise<unknown>) =>
    call().then(
      () => {
        throw new Error('expected the call to fail');
      },
      (e: unknown) => {
        expect(e).toBeInstanceOf(ConnectError);
        return e as ConnectError;
      },
    );

  it('put, list, get, generate and delete round-trip, sharing the store with REST', async () => {
    const admin = client(stack.adminToken);
    const first = await admin.putSecret({ path: 'rpc/db', value: RPC_VALUE });
    expect(first.secret).toMatchObject({ path: 'rpc/db', version: 1 });
    const second = await admin.putSecret({ path: 'rpc/db', value: `${RPC_VALUE}-2` });
    expect(second.secret!.version).toBe(2);

    const rest = (await stack.api('/v1/orchestrator/secrets/rpc/db')).body.data;
    const got = (await admin.getSecret({ path: 'rpc/db' })).secret!;
    expect({ path: got.path, version: got.version, updated_by: got.updatedBy }).toEqual({
      path: rest.path,
      version: rest.version,
      updated_by: rest.updated_by,
    });
    expect(timestampDate(got.updatedAt!).toISOString()).toBe(rest.updated_at);

    const listed = (await admin.listSecrets({})).secrets;
    expect(listed.map((m) => m.path)).toEqual(
      (await stack.api('/v1/orchestrator/secrets')).body.data.map((m: any) => m.path),
    );
    expect(listed.map((m) => m.path)).toContain('rpc/db');

    const generated = await admin.generateSecret({ path: 'rpc/gen', length: 40, alphabet: 'xyz789' });
    expect(generated.secret).toMatchObject({ path: 'rpc/gen', version: 1 });
    const defaults = await admin.generateSecret({ path: 'rpc/gen' });
    expect(defaults.secret!.version).toBe(2);

    const gone = await admin.deleteSecret({ path: 'rpc/gen' });
    expect(gone.secret).toMatchObject({ path: 'rpc/gen', version: 2 });
    expect((await failure(() => admin.getSecret({ path: 'rpc/gen' }))).code).toBe(Code.NotFound);
    expect((await failure(() => admin.deleteSecret({ path: 'rpc/gen' }))).code).toBe(Code.NotFound);
    expect((await stack.api('/v1/orchestrator/secrets/rpc/gen')).status).toBe(404);
  });

  it('no answer carries a value, whichever method', async () => {
    const answers = [
      await rpc('PutSecret', { path: 'rpc/wire', value: RPC_VALUE }),
      await rpc('GetSecret', { path: 'rpc/wire' }),
      await rpc('ListSecrets', {}),
      await rpc('GenerateSecret', { path: 'rpc/wire-gen' }),
      await rpc('DeleteSecret', { path: 'rpc/wire' }),
    ];
    for (const a of answers) {
      expect(a.status, a.text).toBe(200);
      expect(a.text).not.toContain(RPC_VALUE);
      expect(a.cacheControl).toBe('no-store');
    }
    // Metadata only: exactly the four fields.
    expect(Object.keys(JSON.parse(answers[0]!.text).secret).sort()).toEqual([
      'path',
      'updatedAt',
      'updatedBy',
      'version',
    ]);
    const stored = await rows(sql`select * from secrets where path like 'rpc/%'`);
    expect(JSON.stringify(stored)).not.toContain(RPC_VALUE);
  });

  it('a member reads metadata but each write is permission denied and stores nothing', async () => {
    const member = client(memberToken);
    expect((await member.listSecrets({})).secrets.map((m) => m.path)).toContain('rpc/db');
    expect((await member.getSecret({ path: 'rpc/db' })).secret!.version).toBe(2);
    for (const write of [
      () => member.putSecret({ path: 'rpc/member', value: 'x' }),
      () => member.generateSecret({ path: 'rpc/member' }),
      () => member.deleteSecret({ path: 'rpc/db' }),
    ]) {
      const error = await failure(write);
      expect(error.code).toBe(Code.PermissionDenied);
      expect(error.rawMessage).toContain('member');
    }
    expect(await rows(sql`select path from secrets where path = 'rpc/member'`)).toHaveLength(0);
    expect((await client(stack.adminToken).getSecret({ path: 'rpc/db' })).secret!.version).toBe(2);
  });

  it('bad input is invalid argument naming the field, and stores nothing', async () => {
    const admin = client(stack.adminToken);
    const cases = [
      [() => admin.putSecret({ path: 'rpc/../x', value: 'x' }), 'path'],
      [() => admin.getSecret({ path: 'rpc x!' }), 'path'],
      [() => admin.putSecret({ path: 'rpc/empty', value: '' }), 'value'],
      [() => admin.generateSecret({ path: 'rpc/short', length: 4 }), 'length'],
      [() => admin.generateSecret({ path: 'rpc/one', alphabet: 'a' }), 'alphabet'],
    ] as const;
    for (const [call, field] of cases) {
      const error = await failure(call);
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.rawMessage).toContain(`${field}: `);
      const violations = error.findDetails(BadRequestSchema)[0]?.fieldViolations ?? [];
      expect(new Set(violations.map((v) => v.field))).toEqual(new Set([field]));
    }
    // Over the REST body cap: refused before it is decoded.
    const huge = await failure(() => admin.putSecret({ path: 'rpc/huge', value: 'x'.repeat(1024 * 1024) }));
    expect(huge.code).toBe(Code.ResourceExhausted);
    // 64 KiB + 1 byte fits the message cap and is refused by the value's own rule.
    const over = await failure(() => admin.putSecret({ path: 'rpc/over', value: 'x'.repeat(64 * 1024 + 1) }));
    expect(over.code).toBe(Code.InvalidArgument);
    expect(over.rawMessage).toContain('value: ');
    const stored = await rows(
      sql`select path from secrets where path in ('rpc/empty', 'rpc/short', 'rpc/one', 'rpc/huge', 'rpc/over') or path like 'rpc/..%'`,
    );
    expect(stored).toHaveLength(0);
  });

  it('each change is audited like a REST change, without the value', async () => {
    const audit = await rows(
      sql`select action, actor, target, before, after from audit_log where target like ${`secret:${stack.orgId}/rpc/%`}`,
    );
    const of = (target: string) =>
      audit.filter((a) => a.target === `secret:${stack.orgId}/${target}`).map((a) => a.action);
    expect(of('rpc/db')).toEqual(['secret.put', 'secret.put']); // no delete: it is still there
    expect(of('rpc/gen').sort()).toEqual(['secret.delete', 'secret.generate', 'secret.generate']);
    expect(audit.find((a) => a.target.endsWith('/rpc/db') && a.before)?.after).toEqual({ version: 2 });
    expect(JSON.stringify(audit)).not.toContain(RPC_VALUE);
  });
});
