import { describe, expect, it } from 'vitest';
import { dropLeased, hasLeased, keepLeased, type RateLease, takeLeased, WINDOW_MS } from './token-pool.ts';

const t = 1_800_000_000_000; // the start of a minute

function lease(remaining: number, extra: number, windowStart = t, limit = 10): RateLease {
  return { decision: { allowed: true, limit, remaining, resetSeconds: 60 }, windowStart, extra };
}

describe('the token pool', () => {
  it("spends a lease's extra tokens in order, then has none", () => {
    const consumer = `c-${crypto.randomUUID()}`;
    keepLeased(consumer, 'api', lease(9, 3));
    expect(hasLeased(consumer, 'api', t + 1000)).toBe(true);
    const spent = [1, 2, 3].map(() => takeLeased(consumer, 'api', t + 1000)?.remaining);
    expect(spent).toEqual([8, 7, 6]);
    expect(takeLeased(consumer, 'api', t + 1000)).toBeNull();
    expect(hasLeased(consumer, 'api', t + 1000)).toBe(false);
  });

  it('keeps groups and consumers apart', () => {
    const a = `a-${crypto.randomUUID()}`;
    keepLeased(a, 'api', lease(9, 1));
    expect(takeLeased(a, 'bench', t)).toBeNull();
    expect(takeLeased(`b-${crypto.randomUUID()}`, 'api', t)).toBeNull();
    expect(takeLeased(a, 'api', t)).toMatchObject({ allowed: true, limit: 10, remaining: 8 });
  });

  it('spends no token of a window that is over', () => {
    const consumer = `w-${crypto.randomUUID()}`;
    keepLeased(consumer, 'api', lease(9, 5));
    expect(takeLeased(consumer, 'api', t + WINDOW_MS)).toBeNull();
    expect(takeLeased(consumer, 'api', t)).toBeNull();
  });

  it('keeps nothing of a refusal or a lease without extra tokens, and drops all of a consumer', () => {
    const consumer = `d-${crypto.randomUUID()}`;
    keepLeased(consumer, 'api', {
      ...lease(0, 4),
      decision: { allowed: false, limit: 10, remaining: 0, resetSeconds: 9 },
    });
    keepLeased(consumer, 'api', lease(5, 0));
    expect(hasLeased(consumer, 'api', t)).toBe(false);
    keepLeased(consumer, 'api', lease(9, 4));
    keepLeased(consumer, 'other', lease(9, 4));
    dropLeased(consumer);
    expect(takeLeased(consumer, 'api', t)).toBeNull();
    expect(takeLeased(consumer, 'other', t)).toBeNull();
  });
});
