/**
 * Compose import and the app catalog, in-process, as the edge and the CLI call them:
 *
 * - `services=50`: importCompose of a generated 50-service compose file (ports, a named volume,
 *   environment with a secret-looking key, depends_on, healthcheck, labels). Baseline: parseSpec
 *   of the spec it produced, timed in the same run.
 * - `catalog on <kit>`: every app that declares the kit, each added to a new spec (addApp), then
 *   parseSpec, resolve and toOpenTofu of the result — the catalog test's work. Baseline: parseSpec
 *   of the same resulting specs, summed.
 *
 * Medians (and p99 for the import) after a warm-up; the sample count is in each case.
 */
import {
  addApp,
  importCompose,
  kitNames,
  listApps,
  parseSpec,
  resolve,
  toOpenTofu,
} from '../stackkits/src/index.ts';
import type { BenchCase, Benchmark } from './result.ts';
import { percentile, round } from './stats.ts';

const progress = (line: string) => process.stderr.write(`[compose] ${line}\n`);

/** A compose file with n services (described in the module comment). */
export function benchCompose(n: number): string {
  const lines = ['name: bench', 'services:'];
  for (let i = 0; i < n; i++) {
    lines.push(
      `  svc${i}:`,
      `    image: ghcr.io/example/svc-${i}:1.${i}.0`,
      '    restart: unless-stopped',
      '    ports:',
      `      - "${20000 + i}:8080"`,
      '    volumes:',
      `      - data${i}:/data`,
      '    environment:',
      `      INDEX: "${i}"`,
      `      API_TOKEN: token-${i}`,
      '    labels:',
      `      com.example.index: "${i}"`,
      '    healthcheck:',
      '      test: ["CMD", "wget", "-q", "--spider", "http://127.0.0.1:8080/"]',
      '      interval: 30s',
      ...(i > 0 ? ['    depends_on:', `      - svc${Math.floor(i / 2)}`] : []),
    );
  }
  lines.push('volumes:');
  for (let i = 0; i < n; i++) lines.push(`  data${i}:`);
  return `${lines.join('\n')}\n`;
}

function time(fn: () => void, samples: number, warmup: number): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return out;
}

export const compose: Benchmark = {
  name: 'compose',
  description: 'importCompose of 50 services; the whole app catalog resolved on each kit',
  async run() {
    const cases: BenchCase[] = [];
    const text = benchCompose(50);
    const probe = importCompose({ files: [{ name: 'compose.yml', text }] });
    if (!probe.yaml)
      throw new Error(`the bench compose file does not import: ${JSON.stringify(probe.errors.slice(0, 3))}`);
    const yaml = probe.yaml;
    progress('importing 50 services');
    const imports = time(() => importCompose({ files: [{ name: 'compose.yml', text }] }), 300, 20);
    const parses = time(() => parseSpec(yaml), 300, 20);
    const importMedian = percentile(imports, 50);
    const parseMedian = percentile(parses, 50);
    cases.push({
      case: 'services=50',
      metric: 'import_median_ms',
      value: round(importMedian, 3),
      baseline_metric: 'parseSpec_median_ms',
      baseline: round(parseMedian, 3),
      ratio: round(importMedian / parseMedian, 2),
      target: null,
      samples: imports.length,
    });
    cases.push({
      case: 'services=50',
      metric: 'import_p99_ms',
      value: round(percentile(imports, 99), 3),
      baseline_metric: 'parseSpec_p99_ms',
      baseline: round(percentile(parses, 99), 3),
      ratio: round(percentile(imports, 99) / percentile(parses, 99), 2),
      target: null,
      samples: imports.length,
    });
    const apps = listApps();
    for (const kit of kitNames) {
      const mine = apps.filter((a) => a.kits.includes(kit));
      const specs = mine.map((a) => addApp({ app: a.name, kit }).yaml!);
      progress(`catalog on ${kit}: ${mine.length} apps`);
      const whole = () => {
        for (const a of mine) {
          const added = addApp({ app: a.name, kit });
          const { spec } = parseSpec(added.yaml!);
          toOpenTofu(resolve(spec!));
        }
      };
      const parseAll = () => {
        for (const s of specs) parseSpec(s);
      };
      const runs = time(whole, 30, 3);
      const base = time(parseAll, 30, 3);
      const median = percentile(runs, 50);
      const baseMedian = percentile(base, 50);
      cases.push({
        case: `catalog on ${kit} (${mine.length} apps)`,
        metric: 'catalog_resolve_median_ms',
        value: round(median, 2),
        baseline_metric: 'parseSpec_sum_median_ms',
        baseline: round(baseMedian, 2),
        ratio: round(median / baseMedian, 2),
        target: null,
        samples: runs.length,
      });
    }
    return {
      notes: 'in-process, no I/O; import includes schema validation, mapping and validation of the result',
      cases,
    };
  },
};
