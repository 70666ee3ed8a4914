import type { ApiKey, Member } from '@kombify/proto/api';
import { describe, expect, it } from 'vitest';
import { canWriteSecrets, changeDone, secretProblems, writerLabel } from './secret-form.ts';

describe('canWriteSecrets', () => {
  it('lets admins, owners and platform admins write, not members, viewers or an unknown role', () => {
    expect(['admin', 'owner', 'platform-admin'].map(canWriteSecrets)).toEqual([true, true, true]);
    expect(['member', 'viewer', 'nobody', undefined].map(canWriteSecrets)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('secretProblems', () => {
  it('puts the edge’s field problems beside their fields and keeps the rest apart', () => {
    const p = secretProblems({
      ok: false,
      status: 400,
      code: 'VALIDATION_FAILED',
      message: 'invalid request: …',
      details: [
        { path: 'value', code: 'too_small', message: 'must not be empty' },
        { path: 'path', code: 'invalid_format', message: 'must be a secret path' },
        { path: 'length', code: 'too_small', message: 'too small' },
      ],
    });
    expect(p.value.map((i) => i.message)).toEqual(['must not be empty']);
    expect(p.path.map((i) => i.message)).toEqual(['must be a secret path']);
    expect(p.other.map((i) => i.path)).toEqual(['length']);
    expect(p.summary).toBeUndefined();
  });

  it('says in words a refusal that names no field, a 403 as a matter of role', () => {
    const forbidden = secretProblems({
      ok: false,
      status: 403,
      code: 'AUTH_INSUFFICIENT',
      message: 'role member',
    });
    expect(forbidden.summary).toBe('Only admins and owners change secrets: role member (AUTH_INSUFFICIENT)');
    const gone = secretProblems({ ok: false, status: 404, code: 'NOT_FOUND', message: 'no secret a/b' });
    expect(gone).toEqual({ path: [], value: [], other: [], summary: 'no secret a/b (NOT_FOUND)' });
  });

  it('has nothing to show for a success or no attempt', () => {
    const none = { path: [], value: [], other: [] };
    expect(secretProblems(undefined)).toEqual(none);
    expect(secretProblems({ ok: true, data: {} })).toEqual(none);
  });
});

describe('changeDone', () => {
  const meta = (version: number) => ({ path: 'db/pw', version, updated_at: '', updated_by: 'session:u1' });

  it('tells a new secret from a replaced one by its version', () => {
    expect(changeDone('put', meta(1))).toBe('Stored db/pw.');
    expect(changeDone('put', meta(3))).toBe('Replaced db/pw; it is now version 3.');
  });

  it('never claims to show a generated value', () => {
    expect(changeDone('generate', meta(2))).toMatch(
      /^Stored a random value as db\/pw \(version 2\)\. It is not shown/,
    );
    expect(changeDone('delete', meta(2))).toBe('Deleted db/pw.');
  });
});

describe('writerLabel', () => {
  const members: Member[] = [
    { user_id: 'u1', name: 'Ada', email: 'ada@example.org', role: 'owner', joined_at: '' },
    { user_id: 'u2', name: null, email: 'bob@example.org', role: 'member', joined_at: '' },
  ];
  const keys = [{ id: 'key_9', name: 'ci' }] as ApiKey[];

  it('names members by name, else email, for browser sessions and bearer tokens alike', () => {
    expect(writerLabel('session:u1', { members })).toBe('Ada');
    expect(writerLabel('user:u2', { members })).toBe('bob@example.org');
  });

  it('names API keys, and falls back to the id for someone unknown', () => {
    expect(writerLabel('api_key:key_9', { keys })).toBe('API key “ci”');
    expect(writerLabel('api_key:key_0', { keys })).toBe('API key key_0');
    expect(writerLabel('session:gone', { members })).toBe('gone');
    expect(writerLabel('system', {})).toBe('system');
  });
});
