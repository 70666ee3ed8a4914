import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadIdentity, makeKeyPair, saveIdentity } from './identity.ts';
import { Outbox } from './outbox.ts';

describe('Outbox', () => {
  it('journals a job from receipt to completion and lists only completed ones as pending', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    const outbox = new Outbox(dir);
    outbox.received('job_a', 'lease_1', 'docker.run');
    outbox.received('job_b', 'lease_2', 'node.facts');
    expect(outbox.pending()).toEqual([]);
    outbox.completed('job_a', 'lease_1', 'docker.run', { kind: 'result', result: { ok: true } });
    const pending = outbox.pending();
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({
      job_id: 'job_a',
      lease_id: 'lease_1',
      state: 'completed',
      outcome: { kind: 'result' },
    });
    expect(statSync(join(dir, 'outbox', 'job_a.json')).mode & 0o777).toBe(0o600);
    outbox.remove('job_a');
    expect(outbox.pending()).toEqual([]);
    expect(outbox.count()).toBe(1);
    expect(readdirSync(join(dir, 'outbox')).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('survives a new instance (a restart) with its entries intact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    new Outbox(dir).completed('job_c', 'lease_3', 'docker.remove', {
      kind: 'error',
      code: 'x',
      message: 'y',
      retryable: false,
    });
    expect(new Outbox(dir).get('job_c')?.outcome).toEqual({
      kind: 'error',
      code: 'x',
      message: 'y',
      retryable: false,
    });
  });

  it('refuses job ids that could escape its folder', () => {
    const outbox = new Outbox(mkdtempSync(join(tmpdir(), 'outbox-')));
    expect(() => outbox.received('../../etc/passwd', 'l', 't')).toThrow(/unsafe job id/);
  });
});

describe('identity file', () => {
  it('is written with mode 0600 and refused when others can read it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'identity-'));
    const { privateJwk, publicJwk } = await makeKeyPair();
    expect(publicJwk).not.toHaveProperty('d');
    const identity = {
      agent_id: 'agt_x',
      org_id: 'org_x',
      name: 'n',
      edge_url: 'http://127.0.0.1:8787',
      audience: 'kombify:agent-api',
      heartbeat_interval_seconds: 30,
      private_key_jwk: privateJwk,
      public_key_jwk: publicJwk,
      enrolled_at: new Date().toISOString(),
    };
    saveIdentity(dir, identity);
    const path = join(dir, 'identity.json');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadIdentity(dir)?.agent_id).toBe('agt_x');
    writeFileSync(path, JSON.stringify(identity), { mode: 0o644 });
    const { chmodSync } = await import('node:fs');
    chmodSync(path, 0o644);
    expect(() => loadIdentity(dir)).toThrow(/readable by other users/);
  });
});
