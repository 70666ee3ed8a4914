import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { RateDecision } from './rate-limiter-object.ts';

type Limiter = { hit(group: string, limit: number, now?: number): Promise<RateDecision> };

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
});
