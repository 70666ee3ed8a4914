/**
 * Issue 20, M3: how long the spec checks take on a 1 MiB adversarial kombination spec (the one the
 * security test uses: a 40,000-character host of colons and every other string field far past
 * its cap), in-process, as `/v1/stackkits/validate` calls them:
 *
 * - `validateSpec` on the parsed JSON body (what a JSON request costs after `JSON.parse`);
 * - `parseSpec` on the same spec as YAML text (JSON is YAML; the YAML reader is part of the cost).
 *
 * Baseline, same run: `JSON.parse` of the 1 MiB body, the floor any check of it pays. p50 and p99
 * over 200 samples after a warm-up; target 50 ms (the goal for the whole spec).
 */
import { parseSpec, validateSpec } from '../stackkits/src/index.ts';
import { adversarialSpec } from '../test/security/adversarial-spec.ts';
import type { BenchCase, Benchmark } from './result.ts';
import { percentile, round } from './stats.ts';

const SAMPLES = 200;
const WARMUP = 10;
const TARGET_MS = 50;

function time(fn: () => void): number[] {
  for (let i = 0; i < WARMUP; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return out;
}

export const spec: Benchmark = {
  name: 'spec',
  description: 'validateSpec and parseSpec of a 1 MiB adversarial spec (issue 20, M3)',
  async run() {
    const { yaml } = adversarialSpec();
    const refused = validateSpec(JSON.parse(yaml));
    if (refused.spec || !refused.errors.some((e) => e.path === 'nodes[0].ssh.host'))
      throw new Error('the adversarial spec was not refused at nodes[0].ssh.host');
    const parse = percentile(
      time(() => JSON.parse(yaml)),
      50,
    );
    const cases: BenchCase[] = [];
    const add = (name: string, samples: number[]) => {
      for (const p of [50, 99] as const) {
        const value = round(percentile(samples, p), 3);
        cases.push({
          case: `${name} 1 MiB adversarial`,
          metric: `p${p}_ms`,
          value,
          baseline_metric: 'json_parse_p50_ms',
          baseline: round(parse, 3),
          ratio: round(value / parse),
          target: TARGET_MS,
          samples: samples.length,
        });
      }
    };
    add(
      'validateSpec (parsed JSON)',
      time(() => validateSpec(JSON.parse(yaml))),
    );
    add(
      'parseSpec (YAML text)',
      time(() => parseSpec(yaml)),
    );
    return { notes: `spec of ${yaml.length} bytes; JSON.parse included in the validateSpec case`, cases };
  },
};
