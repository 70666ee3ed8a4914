import { describe, expect, it } from 'vitest';
import { refusal, type SecretChange, secretPathProblems, secretRequest } from './secret-request.ts';

describe('secretPathProblems', () => {
  it('accepts the paths a spec refers to', () => {
    for (const p of ['postgres/password', 'a', 'app-1/db.main/token_2', 'A/B/C']) {
      expect(secretPathProblems(p), p).toEqual([]);
    }
  });

  it('refuses what the edge refuses, at field `path`', () => {
    for (const p of ['', '/abs', 'trailing/', 'a//b', 'a/../b', '..', 'has space', 'ümlaut', 'a/.hidden']) {
      const problems = secretPathProblems(p);
      expect(problems.length, p).toBeGreaterThan(0);
      expect(
        problems.every((i) => i.path === 'path'),
        p,
      ).toBe(true);
    }
  });

  it('refuses a path over 255 characters', () => {
    expect(secretPathProblems('a'.repeat(255))).toEqual([]);
    expect(secretPathProblems('a'.repeat(256))[0]).toMatchObject({ path: 'path', code: 'too_big' });
  });
});

describe('secretRequest', () => {
  it('puts a value at the path, slashes kept as the edge route expects', () => {
    expect(secretRequest({ kind: 'put', path: 'postgres/password', value: 's3cret' })).toEqual({
      ok: true,
      call: { path: '/v1/orchestrator/secrets/postgres/password', method: 'PUT', body: { value: 's3cret' } },
    });
  });

  it('generates with the edge’s defaults and deletes without a body', () => {
    expect(secretRequest({ kind: 'generate', path: 'api/token' })).toEqual({
      ok: true,
      call: { path: '/v1/orchestrator/secrets/api/token/generate', method: 'POST', body: {} },
    });
    expect(secretRequest({ kind: 'delete', path: 'api/token' })).toEqual({
      ok: true,
      call: { path: '/v1/orchestrator/secrets/api/token', method: 'DELETE' },
    });
  });

  it('builds no URL from a path that would climb into another route', () => {
    const r = secretRequest({ kind: 'delete', path: 'x/../../../api/keys/key_1' });
    expect(r.ok).toBe(false);
    expect(r).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(!r.ok && r.details?.[0]?.path).toBe('path');
  });

  it('refuses arguments that are not a change (a server function takes whatever is posted)', () => {
    expect(secretRequest(null as unknown as SecretChange)).toMatchObject({
      ok: false,
      code: 'VALIDATION_FAILED',
    });
    const odd = secretRequest({ kind: 'read', path: 'a/b' } as unknown as SecretChange);
    expect(odd).toMatchObject({ ok: false, details: [{ path: 'kind' }] });
  });
});

describe('refusal', () => {
  it('reads like the edge’s VALIDATION_FAILED message', () => {
    const r = refusal([
      { path: 'path', code: 'invalid_format', message: 'bad' },
      { path: '', code: 'invalid_type', message: 'must be an object' },
    ]);
    expect(r.message).toBe('invalid request: path: bad; (body): must be an object');
    expect(r.details).toHaveLength(2);
  });
});
