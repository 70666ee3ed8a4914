import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { RateDecision } from './rate-limiter-object.ts';
import { MAX_LEASE, type RateLease } from './token-pool.ts';

type Limiter = {
  hit(group: string, limit: number, now?: number): Promise<RateDecision>;
  lease(group: string, limit: number, want: number, now?: number): Promise<RateLease>;
};

function limiter(name: string): Limiter {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(name)) as unknown as Limiter;
}

describe('RateLimiterObject', () => {
  it('lets exactly `limit` of many concurrent requests through', async () => {
    const stub = limiter(`exact-${crypto.randomUUID()}`);
    const decisions = await Promise.all(Array.from({ length: 40 }, () => stub.hit('api', 15)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(15);
    const remaining = decisions.filter((d) => d.allowed).map((d) => d.remaining);
    expect(remaining.sort((a, b) => b - a)).toEqual([14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    const refused = decisions.find((d) => !d.allowed)!;
    expect(refused).toMatchObject({ limit: 15, remaining: 0 });
    expect(refused.resetSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.resetSeconds).toBeLessThanOrEqual(60);
  });

  it('counts route groups and consumers apart, and starts over in the next window', async () => {
    const stub = limiter(`groups-${crypto.randomUUID()}`);
    const t = 1_800_000_000_000; // the start of a minute
    expect((await stub.hit('a', 1, t)).allowed).toBe(true);
    expect((await stub.hit('a', 1, t + 1000)).allowed).toBe(false);
    expect((await stub.hit('b', 1, t + 1000)).allowed).toBe(true);
    expect((await limiter(`other-${crypto.randomUUID()}`).hit('a', 1, t)).allowed).toBe(true);
    const next = await stub.hit('a', 1, t + 60_000);
    expect(next).toEqual({ allowed: true, limit: 1, remaining: 0, resetSeconds: 60 });
  });

  it('leases blocks of counted tokens that never add up to more than the limit', async () => {
    const stub = limiter(`lease-${crypto.randomUUID()}`);
    const t = 1_800_000_000_000;
    const leases = await Promise.all(Array.from({ length: 40 }, () => stub.lease('api', 100, 1000, t)));
    const counted = leases.reduce((n, l) => n + (l.decision.allowed ? 1 + l.extra : 0), 0);
    // Every token of the window went out, and not one more.
    expect(counted).toBe(100);
    expect(Math.max(...leases.map((l) => l.extra + 1))).toBeLessThanOrEqual(MAX_LEASE);
    // Each token has its own `remaining`: the blocks tile 99..0 without overlap.
    const remaining = leases
      .filter((l) => l.decision.allowed)
      .flatMap((l) => Array.from({ length: l.extra + 1 }, (_, i) => l.decision.remaining - i));
    expect(remaining.sort((a, b) => b - a)).toEqual(Array.from({ length: 100 }, (_, i) => 99 - i));
    // Near the limit a lease is one token: an eighth of what is left, at least one.
    const last = leases.filter((l) => l.decision.allowed).at(-1)!;
    expect(last.extra).toBe(0);
    expect((await stub.lease('api', 100, 1000, t)).decision.allowed).toBe(false);
    expect((await stub.hit('api', 100, t)).allowed).toBe(false);
  });

  it('leases no more than an eighth of what is left', async () => {
    const stub = limiter(`share-${crypto.randomUUID()}`);
    const t = 1_800_000_000_000;
    expect((await stub.lease('api', 80, 1000, t)).extra).toBe(9);
    expect((await stub.lease('api', 8, 1000, t)).extra).toBe(0);
    expect((await stub.lease('small', 8, 1000, t)).extra).toBe(0);
  });
});
