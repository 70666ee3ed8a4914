/**
 * The state store's refusals: the one Result with CONFLICT, carrying the held lock only when
 * someone else holds it (routes.ts turns that into OpenTofu's 423 Locked, the rest into 409).
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { randomId } from '../platform/ids.ts';
import type { StackObject } from '../stacks/object/stack-object.ts';
import { openStackStore } from '../stacks/object/stack-store.ts';
import * as tofuStore from './state-store.ts';

const bytes = (...b: number[]) => new Uint8Array(b).buffer;

describe('OpenTofu state store', () => {
  it('refuses with CONFLICT, naming the held lock only when someone else holds it', async () => {
    const stub = env.STACKS.get(env.STACKS.idFromName(randomId('stk')));
    await runInDurableObject(stub, async (_obj: StackObject, state) => {
      const db = openStackStore(state.storage);
      const put = (serial: number, lockId: string | null) =>
        tofuStore.putState(
          db,
          {
            serial,
            lineage: 'lin',
            sha256: `sha-${serial}`,
            size: 1,
            keyId: 'k',
            iv: bytes(0),
            chunks: [bytes(serial)],
            lockId,
            by: 'test',
            keep: 5,
          },
          serial,
        );
      expect(put(1, null)).toEqual({ ok: true, value: { version: 1, unchanged: false } });
      expect(tofuStore.lock(db, { id: 'L1', info: '{"ID":"L1"}', by: 'a' }, 2)).toEqual({ ok: true });

      const locked = put(2, null);
      expect(locked.ok).toBe(false);
      if (locked.ok) return;
      expect(locked.refusal.code).toBe('CONFLICT');
      expect(tofuStore.heldLockOf(locked.refusal)).toMatchObject({ id: 'L1', lockedBy: 'a' });

      const stale = put(0, 'L1');
      expect(stale.ok).toBe(false);
      if (stale.ok) return;
      expect(stale.refusal.message).toMatch(/serial 0 is older/);
      expect(tofuStore.heldLockOf(stale.refusal)).toBeNull();

      expect(tofuStore.unlock(db, { id: 'L2' })).toMatchObject({ ok: false, refusal: { code: 'CONFLICT' } });
      expect(tofuStore.unlock(db, { id: 'L1' })).toMatchObject({
        ok: true,
        value: { released: { id: 'L1' } },
      });
    });
  });
});
