/** Small statistics helpers for the benchmarks. */

/**
 * The p-th percentile (0 < p ≤ 100) by the nearest-rank method: the smallest sample such that at
 * least p % of the samples are at or below it. Always an observed value, never interpolated, so a
 * p99 over 300 samples is the 297th smallest.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new Error('percentile of no samples');
  if (!(p > 0 && p <= 100)) throw new Error(`percentile must be in (0, 100], got ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)]!;
}

/** Rounds to a fixed number of decimals (for figures people read; the raw samples are not kept). */
export function round(value: number, decimals = 2): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
