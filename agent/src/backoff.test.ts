import { describe, expect, it } from 'vitest';
import { backoffDelay, sleep } from './backoff.ts';

describe('backoffDelay (full jitter)', () => {
  const opts = { baseMs: 500, capMs: 5000 };

  it('grows the ceiling exponentially up to the cap', () => {
    const max = (attempt: number) => backoffDelay(attempt, { ...opts, random: () => 0.999999 });
    expect(max(1)).toBe(499);
    expect(max(2)).toBe(999);
    expect(max(4)).toBe(3999);
    expect(max(10)).toBe(4999);
  });

  it('spreads delays between a floor and the ceiling', () => {
    expect(backoffDelay(3, { ...opts, random: () => 0 })).toBe(100);
    const samples = Array.from({ length: 200 }, () => backoffDelay(5, opts));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...samples)).toBeLessThan(5000);
    expect(new Set(samples).size).toBeGreaterThan(50);
  });

  it('sleep ends early when aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const done = sleep(10_000, controller.signal);
    controller.abort();
    await done;
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
