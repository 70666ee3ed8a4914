/**
 * The Unifier's cost as a stack grows: kombination.yaml text → parseSpec (YAML + schema + checks +
 * kit rules) → resolve → toOpenTofu + toJobPlan, for generated specs with 1, 10, 100 and 1000
 * nodes. In-process, no I/O; the library exactly as the edge and the CLI call it.
 *
 * The generated spec (see `benchSpec`): kit modern-homelab, one `main` node and N-1 `worker`
 * nodes (provider local, each with ssh host, resources); one service per node (so N services),
 * pinned to its node, with an image, a published port, a named volume, an environment variable
 * and `needs` on service ⌊i/2⌋ (a dependency tree of depth log2 N). The kit adds its own five
 * services and a Dozzle agent on every other node, so the plan holds about 2N + 4 containers.
 *
 * Time: the median over the measured runs of the whole pipeline, and of each stage, after a
 * warm-up; baseline = the same metric for the 1-node spec in the same run, so `ratio` shows how
 * it grows. `ms_per_node` = median / N, to see linearity. Memory: heapUsed delta over a collected
 * heap of one whole run, peak taken as the largest used heap seen before any GC during the run
 * (v8.GCProfiler) or at its end — results are kept alive until then.
 *
 * Where parse time goes: `yaml_read_median_ms` times reading the text alone as parseSpec does (the
 * fast block reader) against the `yaml` package's Document on the same text (its baseline).
 */
import { loadavg } from 'node:os';
import { GCProfiler, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseSpec, resolve, toJobPlan, toOpenTofu } from '../stackkits/src/index.ts';
import { readYaml, readYamlDocument } from '../stackkits/src/spec/yaml-source.ts';
import type { BenchCase, Benchmark } from './result.ts';
import { percentile, round } from './stats.ts';

const NODE_COUNTS = [1, 10, 100, 1000];
/** Target of issue 4: the pipeline for 100 nodes and 100 services under 50 ms. */
const TARGET_100_MS = 50;
/** Runs per case: at least MIN (MIN_1000 for 1000 nodes), more while within the time budget. */
const MIN_SAMPLES = 20;
const MIN_SAMPLES_1000 = 10;
const MAX_SAMPLES = 300;
const BUDGET_MS = 4000;
const WARMUP = 5;

const progress = (line: string) => process.stderr.write(`[unifier] ${line}\n`);

/** The generated kombination.yaml for n nodes and n services (described in the module comment). */
export function benchSpec(n: number): string {
  const lines = ['name: bench', 'kit: modern-homelab', 'nodes:'];
  for (let i = 0; i < n; i++) {
    lines.push(
      `  - name: node-${i}`,
      `    type: ${i === 0 ? 'main' : 'worker'}`,
      '    provider: local',
      '    ssh:',
      `      host: 10.${(i >> 8) & 255}.${i & 255}.10`,
      '    resources:',
      '      cpu: 4',
      '      memory: 8Gi',
      '      disk: 100Gi',
    );
  }
  lines.push('services:');
  for (let i = 0; i < n; i++) {
    lines.push(
      `  - name: svc-${i}`,
      '    type: backend',
      `    image: ghcr.io/example/svc-${i}:1.0`,
      `    node: node-${i}`,
      ...(i > 0 ? [`    needs: [svc-${Math.floor(i / 2)}]`] : []),
      '    ports:',
      '      - container: 8080',
      '        host: 18080',
      '    volumes:',
      `      - name: data-${i}`,
      '        mountPath: /data',
      '    environment:',
      `      INDEX: "${i}"`,
    );
  }
  return `${lines.join('\n')}\n`;
}

interface Times {
  total: number;
  parse: number;
  resolve: number;
  generate: number;
}

function pipeline(text: string): { times: Times; keep: unknown[] } {
  const t0 = performance.now();
  const { spec, errors } = parseSpec(text);
  const t1 = performance.now();
  if (!spec) throw new Error(`the bench spec is invalid: ${JSON.stringify(errors.slice(0, 3))}`);
  const plan = resolve(spec);
  const t2 = performance.now();
  const files = toOpenTofu(plan);
  const jobs = toJobPlan(plan);
  const t3 = performance.now();
  return {
    times: { total: t3 - t0, parse: t1 - t0, resolve: t2 - t1, generate: t3 - t2 },
    keep: [spec, plan, files, jobs],
  };
}

function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Peak heapUsed above a collected heap during one run (see the module comment). */
function peakHeap(text: string, gc: () => void): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const profiler = new GCProfiler();
  profiler.start();
  const { keep } = pipeline(text);
  const end = process.memoryUsage().heapUsed;
  const report = profiler.stop();
  const beforeGcs = (report?.statistics ?? []).map((s) => s.beforeGC.heapStatistics.usedHeapSize);
  if (keep.length !== 4) throw new Error('unreachable');
  return Math.max(end, ...beforeGcs) - before;
}

interface CaseResult {
  nodes: number;
  bytes: number;
  containers: number;
  samples: Times[];
  heapPeakBytes: number;
  /** Reading the text alone: what parseSpec uses (the fast block reader) and the `yaml` Document. */
  yamlRead: number[];
  yamlDocument: number[];
}

/** Samples of fn after a warm-up: at least min, more within half the budget. */
function sample(fn: () => unknown, min: number): number[] {
  for (let i = 0; i < 3; i++) fn();
  const out: number[] = [];
  const started = performance.now();
  while (out.length < MAX_SAMPLES && (out.length < min || performance.now() - started < BUDGET_MS / 2)) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return out;
}

function measure(nodes: number, gc: () => void): CaseResult {
  const text = benchSpec(nodes);
  const first = pipeline(text);
  const plan = first.keep[1] as { nodes: { containers: unknown[] }[] };
  const containers = plan.nodes.reduce((sum, n) => sum + n.containers.length, 0);
  for (let i = 1; i < WARMUP; i++) pipeline(text);
  const min = nodes >= 1000 ? MIN_SAMPLES_1000 : MIN_SAMPLES;
  const samples: Times[] = [];
  const started = performance.now();
  while (samples.length < MAX_SAMPLES && (samples.length < min || performance.now() - started < BUDGET_MS)) {
    samples.push(pipeline(text).times);
  }
  const heapPeakBytes = Math.max(peakHeap(text, gc), peakHeap(text, gc));
  const yamlRead = sample(() => readYaml(text), min);
  const yamlDocument = sample(() => readYamlDocument(text), min);
  return { nodes, bytes: text.length, containers, samples, heapPeakBytes, yamlRead, yamlDocument };
}

const median = (values: number[]) => percentile(values, 50);

export const unifier: Benchmark = {
  name: 'unifier',
  description: 'parse + validate + resolve + generate for specs with 1, 10, 100 and 1000 nodes',
  async run() {
    const gc = exposeGc();
    const results: CaseResult[] = [];
    for (const nodes of NODE_COUNTS) {
      progress(`nodes=${nodes}: measuring…`);
      const r = measure(nodes, gc);
      progress(
        `nodes=${nodes}: ${r.samples.length} runs, median ${round(median(r.samples.map((s) => s.total)))} ms (${(r.bytes / 1024).toFixed(1)} KB of YAML, ${r.containers} containers)`,
      );
      results.push(r);
    }
    const base = results[0]!;
    const baseOf = (pick: (t: Times) => number) => median(base.samples.map(pick));
    const cases: BenchCase[] = [];
    for (const r of results) {
      const metric = (
        name: string,
        value: number,
        baselineName: string,
        baseline: number,
        target: number | null,
        samples = r.samples.length,
      ): BenchCase => ({
        case: `nodes=${r.nodes},services=${r.nodes}`,
        metric: name,
        value: round(value),
        baseline_metric: baselineName,
        baseline: round(baseline),
        ratio: round(value / baseline),
        target,
        samples,
      });
      const total = median(r.samples.map((s) => s.total));
      cases.push(
        metric(
          'parse_validate_resolve_generate_median_ms',
          total,
          'parse_validate_resolve_generate_median_ms@nodes=1',
          baseOf((t) => t.total),
          r.nodes === 100 ? TARGET_100_MS : null,
        ),
        metric(
          'ms_per_node',
          total / r.nodes,
          'ms_per_node@nodes=1',
          baseOf((t) => t.total),
          null,
        ),
        metric(
          'parse_validate_median_ms',
          median(r.samples.map((s) => s.parse)),
          'parse_validate_median_ms@nodes=1',
          baseOf((t) => t.parse),
          null,
        ),
        metric(
          'resolve_median_ms',
          median(r.samples.map((s) => s.resolve)),
          'resolve_median_ms@nodes=1',
          baseOf((t) => t.resolve),
          null,
        ),
        metric(
          'generate_median_ms',
          median(r.samples.map((s) => s.generate)),
          'generate_median_ms@nodes=1',
          baseOf((t) => t.generate),
          null,
        ),
        metric(
          'heap_peak_mb',
          r.heapPeakBytes / 2 ** 20,
          'heap_peak_mb@nodes=1',
          base.heapPeakBytes / 2 ** 20,
          null,
          2,
        ),
        metric(
          'yaml_read_median_ms',
          median(r.yamlRead),
          'yaml_document_read_median_ms',
          median(r.yamlDocument),
          null,
          Math.min(r.yamlRead.length, r.yamlDocument.length),
        ),
      );
    }
    const notes = [
      'in-process, stackkits library as published (src/index.ts), Node type stripping',
      'spec per case: modern-homelab, 1 main + N-1 worker nodes, N services (one per node, port, volume, env, needs on service i/2); the kit adds its own services and a Dozzle agent per extra node',
      `YAML size: ${results.map((r) => `${r.nodes}→${(r.bytes / 1024).toFixed(1)} KB`).join(', ')}; plan containers: ${results.map((r) => `${r.nodes}→${r.containers}`).join(', ')}`,
      `medians over ${results.map((r) => `${r.samples.length}`).join('/')} runs after ${WARMUP} warm-up runs (at least ${MIN_SAMPLES}, ${MIN_SAMPLES_1000} for 1000 nodes, more within ${BUDGET_MS} ms per case)`,
      'stages: parse_validate = parseSpec (YAML, schema, cross-field checks, kit rules); resolve; generate = toOpenTofu + toJobPlan',
      'heap_peak_mb: heapUsed above a collected heap during one run, the max of used heap before each GC (v8.GCProfiler) and at the end; max of 2 runs',
      'yaml_read_median_ms: reading the text alone as parseSpec does (the fast block reader, stackkits/src/spec/yaml-block.ts); its baseline is the yaml package Document path (readYamlDocument) on the same text in the same run, so ratio < 1 is the saving',
      `load average at the end ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (other work on the machine shows up in the medians)`,
    ].join('; ');
    return { notes, cases };
  },
};
