/**
 * The result file every benchmark writes (`bench-results/<name>.json`, shape in
 * /work/shared/BENCHMARKS.md) and the short table printed for people.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchCase {
  case: string;
  /** The metric's name carries its unit: `_ms`, `_s`, `_bytes`, `_per_s`, `_mb`. */
  metric: string;
  value: number;
  baseline_metric: string | null;
  /** Measured in the same run on the same machine. */
  baseline: number | null;
  /** value / baseline. */
  ratio: number | null;
  /** The goal for this metric; null where it sets none. */
  target: number | null;
  samples: number;
}

export interface BenchResult {
  name: string;
  when: string;
  machine: { cpus: number; node: string; notes: string };
  cases: BenchCase[];
}

/** What a benchmark module provides to `bench/run.ts`. */
export interface Benchmark {
  name: string;
  description: string;
  /** Measures and returns the cases and machine notes; throws only when it could not measure. */
  run(): Promise<{ notes: string; cases: BenchCase[] }>;
}

export const resultsDir = fileURLToPath(new URL('../bench-results/', import.meta.url));

export function toResult(name: string, notes: string, cases: BenchCase[]): BenchResult {
  return {
    name,
    when: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    machine: { cpus: availableParallelism(), node: process.version, notes },
    cases,
  };
}

/** Writes `bench-results/<name>.json` and returns its path. */
export function writeResult(result: BenchResult): string {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${result.name}.json`);
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

/** A plain text table: case, metric, value, baseline, ratio, target, samples. */
export function formatTable(cases: readonly BenchCase[]): string {
  const header = ['case', 'metric', 'value', 'baseline', 'ratio', 'target', 'samples'];
  const rows = cases.map((c) => [
    c.case,
    c.metric,
    String(c.value),
    c.baseline === null ? '-' : `${c.baseline} (${c.baseline_metric})`,
    c.ratio === null ? '-' : `${c.ratio}x`,
    c.target === null ? '-' : targetCell(c),
    String(c.samples),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const numeric = new Set([2, 4, 6]);
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * Say whether the value meets its target: a rate (`_per_s`) must reach it, anything else (times,
 * sizes, layout shift) must not exceed it ("≤ 250 ms").
 */
function targetCell(c: BenchCase): string {
  const met = c.metric.endsWith('_per_s') ? c.value >= c.target! : c.value <= c.target!;
  return `${c.target} ${met ? 'met' : 'MISSED'}`;
}
