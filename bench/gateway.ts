/**
 * Gateway overhead: the same tiny route with no middleware at all (`/_bench/bare`) and behind the
 * full chain (`/_bench/chain`: request id, identity-header stripping, security headers, services,
 * CORS, API-key auth, exact rate limit), on one local edge, under the same closed-loop load from
 * this process over loopback. Phases alternate (bare, chain, bare, chain) so drift hits both.
 */
import { startStack } from '../test/harness/stack.ts';
import type { BenchCase, Benchmark } from './result.ts';
import { percentile, round } from './stats.ts';

const CONCURRENCY = 8;
const PHASE_MS = 6000;
const WARMUP_MS = 1500;

interface Phase {
  latencies: number[];
  requests: number;
  errors: number;
  ms: number;
}

async function load(url: string, headers: Record<string, string>, ms: number): Promise<Phase> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const end = started + ms;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        const res = await fetch(url, { headers });
        await res.arrayBuffer();
        if (res.status !== 200) errors++;
        else latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, requests: latencies.length + errors, errors, ms: performance.now() - started };
}

export const gateway: Benchmark = {
  name: 'gateway',
  description: 'full middleware chain vs a bare route on the same local edge (p50/p99/requests per second)',
  async run() {
    const stack = await startStack({ vars: { BENCH_ROUTES: '1', RATE_LIMIT_PER_MINUTE: '1000000' } });
    try {
      const bareUrl = `${stack.edgeUrl}/_bench/bare`;
      const chainUrl = `${stack.edgeUrl}/_bench/chain`;
      const auth = { authorization: `Bearer ${stack.adminToken}` };
      const probe = await fetch(chainUrl, { headers: auth });
      if (probe.status !== 200) throw new Error(`chain route answered ${probe.status}`);
      await load(bareUrl, {}, WARMUP_MS);
      await load(chainUrl, auth, WARMUP_MS);
      const bare: Phase[] = [];
      const chain: Phase[] = [];
      for (let i = 0; i < 2; i++) {
        bare.push(await load(bareUrl, {}, PHASE_MS));
        chain.push(await load(chainUrl, auth, PHASE_MS));
      }
      const merge = (phases: Phase[]) => ({
        latencies: phases.flatMap((p) => p.latencies),
        rps:
          phases.reduce((n, p) => n + p.latencies.length, 0) / (phases.reduce((n, p) => n + p.ms, 0) / 1000),
        errors: phases.reduce((n, p) => n + p.errors, 0),
      });
      const b = merge(bare);
      const c = merge(chain);
      if (b.errors || c.errors) throw new Error(`errors under load: bare ${b.errors}, chain ${c.errors}`);
      const row = (
        name: string,
        metric: string,
        value: number,
        baselineMetric: string,
        baseline: number,
        target: number | null,
        samples: number,
      ): BenchCase => ({
        case: name,
        metric,
        value: round(value),
        baseline_metric: baselineMetric,
        baseline: round(baseline),
        ratio: round(value / baseline, 3),
        target,
        samples,
      });
      const bp50 = percentile(b.latencies, 50);
      const bp99 = percentile(b.latencies, 99);
      const cases: BenchCase[] = [
        row(
          'full-chain',
          'p50_ms',
          percentile(c.latencies, 50),
          'bare_p50_ms',
          bp50,
          round(bp50 * 1.25),
          c.latencies.length,
        ),
        row(
          'full-chain',
          'p99_ms',
          percentile(c.latencies, 99),
          'bare_p99_ms',
          bp99,
          null,
          c.latencies.length,
        ),
        row('full-chain', 'requests_per_s', c.rps, 'bare_requests_per_s', b.rps, null, c.latencies.length),
        {
          case: 'bare',
          metric: 'p50_ms',
          value: round(bp50),
          baseline_metric: null,
          baseline: null,
          ratio: null,
          target: null,
          samples: b.latencies.length,
        },
      ];
      return {
        notes: `wrangler dev (workerd) + embedded PGlite; closed loop, ${CONCURRENCY} concurrent keep-alive clients in this process, 2 alternating ${PHASE_MS / 1000} s phases per route after warm-up; target: full-chain p50 ≤ 1.25× bare p50`,
        cases,
      };
    } finally {
      await stack.stop();
    }
  },
};
