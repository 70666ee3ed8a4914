/**
 * The secret operations' checks that come before any storage: roles (what the REST gates and the
 * Connect service both rely on) and input validation with field paths. The database given here
 * fails the test if it is touched, so a refusal provably stores and reads nothing. The round trip
 * through PostgreSQL is in test/e2e/secrets.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/db/client.ts';
import { ApiError } from '../platform/errors.ts';
import {
  generateSecret,
  getSecret,
  listSecretMeta,
  randomString,
  removeSecret,
  type SecretContext,
  setSecret,
} from './service.ts';

const untouchable = new Proxy(
  {},
  {
    get(_, prop) {
      throw new Error(`the database was used (${String(prop)})`);
    },
  },
) as Db;

const as = (role: string): SecretContext => ({
  db: untouchable,
  config: {} as Config,
  principal: { kind: 'api_key', id: 'key_test', orgId: 'org_test', role },
  ip: null,
});

/** The error `call` fails with (a thunk, so no promise is left rejected while another is awaited). */
async function refusal(call: () => Promise<unknown>): Promise<ApiError> {
  const error = await call().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

const fields = (error: ApiError) => (error.details as { path: string }[]).map((d) => d.path);

describe('secret service', () => {
  it('refuses writes to a member before anything is read or stored', async () => {
    for (const write of [
      () => setSecret(as('member'), 'a/b', { value: 'x' }),
      () => generateSecret(as('member'), 'a/b', {}),
      () => removeSecret(as('member'), 'a/b'),
    ]) {
      const error = await refusal(write);
      expect(error.code).toBe('AUTH_INSUFFICIENT');
      expect(error.message).toContain('member');
    }
  });

  it('refuses reads to a viewer', async () => {
    expect((await refusal(() => listSecretMeta(as('viewer')))).code).toBe('AUTH_INSUFFICIENT');
    expect((await refusal(() => getSecret(as('viewer'), 'a/b'))).code).toBe('AUTH_INSUFFICIENT');
  });

  it('names the bad field: path, value, length, alphabet', async () => {
    const admin = as('admin');
    for (const [call, field] of [
      [() => setSecret(admin, 'a/../b', { value: 'x' }), 'path'],
      [() => getSecret(admin, 'bad path!'), 'path'],
      [() => removeSecret(admin, ''), 'path'],
      [() => setSecret(admin, 'a/b', { value: '' }), 'value'],
      [() => setSecret(admin, 'a/b', { value: 'é'.repeat(32 * 1024 + 1) }), 'value'],
      [() => generateSecret(admin, 'a/b', { length: 7 }), 'length'],
      [() => generateSecret(admin, 'a/b', { length: 1025 }), 'length'],
      [() => generateSecret(admin, 'a/b', { alphabet: 'a' }), 'alphabet'],
    ] as const) {
      const error = await refusal(call);
      expect(error.code).toBe('VALIDATION_FAILED');
      // One field named (a path can break more than one rule), and only that one.
      expect([...new Set(fields(error))]).toEqual([field]);
    }
  });

  it('refuses fields the operation does not take (a typo is not ignored)', async () => {
    const error = await refusal(() => setSecret(as('owner'), 'a/b', { value: 'x', valeu: 'y' }));
    expect(error.code).toBe('VALIDATION_FAILED');
  });

  it('randomString draws exactly `length` characters from the alphabet, repeats counting once', () => {
    const s = randomString(1000, 'aab');
    expect(s).toHaveLength(1000);
    expect(s).toMatch(/^[ab]+$/);
    // 1000 fair draws from two characters: each appears (the chance of not is 2^-999).
    expect(s).toContain('a');
    expect(s).toContain('b');
  });
});

describe('without SECRETS_MASTER_KEY', () => {
  it('a write is a 503 naming the setting, before the database is touched', async () => {
    const error = await refusal(() => setSecret(as('owner'), 'postgres/password', { value: 'v' }));
    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.message).toContain('SECRETS_MASTER_KEY');
  });
});
