/**
 * Many connected agents held by one local edge (wrangler dev + embedded PGlite): 1,000 simulated
 * agents (KOMBIFY_BENCH_AGENTS), each enrolled for real and holding its ReceiveJobs stream, all in
 * this Node process (bench/sim-agent.ts). Measured, each against a baseline from the same run:
 *   - workerd's memory (RSS) and CPU while the agents are connected and heartbeating at the real
 *     interval, against the same edge with no agent connected;
 *   - the heartbeat rate the edge sustains (every agent's Heartbeat as fast as CONCURRENCY callers
 *     can send them), against GET /health at the same concurrency;
 *   - job dispatch latency while they are all connected (bench/dispatch.ts's method), against the
 *     GET /health round trip.
 */
import { create } from '@bufbuild/protobuf';
import { NodeFactsSchema } from '@kombify/proto/agent/v1';
import type { Stack } from '../test/harness/stack.ts';
import {
  edgeReloads,
  JobWatch,
  measureHealth,
  measureJobs,
  startBenchStack,
  withTimeout,
} from './dispatch.ts';
import { descendantsNamed, usage, usageOver } from './process-stats.ts';
import type { BenchCase, Benchmark } from './result.ts';
import { seedAgents } from './seed-agents.ts';
import { SimAgent } from './sim-agent.ts';
import { percentile, round, sleep } from './stats.ts';

const AGENTS = Number(process.env.KOMBIFY_BENCH_AGENTS ?? 1000);
/**
 * A PostgreSQL server to use instead of the embedded PGlite: PGlite serves one connection at a
 * time, and a thousand agents' heartbeats (each a database write) queue up behind it.
 */
const POSTGRES_URL = process.env.KOMBIFY_BENCH_POSTGRES_URL;
/** Agents enrolled and connected at once while setting up. */
const SETUP_BATCH = 50;
/** How long CPU is sampled, idle and with the agents connected. */
const USAGE_WINDOW_MS = 20_000;
/** Real agents heartbeat every AGENT_HEARTBEAT_SECONDS (30). */
const HEARTBEAT_SECONDS = 30;
const CONCURRENCY = 32;
const RATE_WINDOW_MS = 10_000;
const WARMUP_JOBS = 20;
const JOBS = 200;
const TARGET_DISPATCH_P99_MS = 250;
const CONNECT_TIMEOUT_MS = 120_000;

const progress = (line: string) => process.stderr.write(`[agents] ${line}\n`);

const facts = create(NodeFactsSchema, {
  hostname: 'bench-node',
  os: 'linux',
  arch: 'x64',
  cpuCount: 4,
  memoryTotalBytes: 8n * 1024n ** 3n,
  memoryFreeBytes: 4n * 1024n ** 3n,
  agentVersion: '0.1.0',
});

/** Calls `task` from `concurrency` loops for `windowMs`; completed calls per second, and failures. */
async function rate(
  task: (i: number) => Promise<unknown>,
  concurrency: number,
  windowMs: number,
): Promise<{ perSecond: number; done: number; failed: number; firstError: string | null }> {
  let next = 0;
  let done = 0;
  let failed = 0;
  let firstError: string | null = null;
  const started = performance.now();
  const deadline = started + windowMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        try {
          await task(next++);
          done += 1;
        } catch (error) {
          failed += 1;
          firstError ??= (error as Error).message;
        }
      }
    }),
  );
  return { perSecond: done / ((performance.now() - started) / 1000), done, failed, firstError };
}

/**
 * Runs a rate() measurement and adds workerd's CPU milliseconds per completed call: on a loaded
 * machine the rate follows whatever CPU is left over, while the CPU each call costs does not.
 */
async function cpuPerCall<T extends { done: number }>(
  workerd: readonly number[],
  measure: () => Promise<T>,
): Promise<T & { cpuMsPerCall: number }> {
  const before = usage(workerd).cpuSeconds;
  const result = await measure();
  const cpuMs = (usage(workerd).cpuSeconds - before) * 1000;
  return { ...result, cpuMsPerCall: result.done > 0 ? cpuMs / result.done : 0 };
}

/** Seeds AGENTS agents in the database, then connects them SETUP_BATCH at a time. */
async function connectAgents(stack: Stack, watch: JobWatch, into: SimAgent[]): Promise<void> {
  let reported = 0;
  const onError = (message: string) => {
    if (reported++ < 5) progress(message);
  };
  const identities = await seedAgents(
    stack,
    Array.from({ length: AGENTS }, (_, i) => `bench-held-${i}`),
  );
  for (let i = 0; i < identities.length; i += SETUP_BATCH) {
    const batch = identities.slice(i, i + SETUP_BATCH).map((identity) => {
      const agent = new SimAgent(identity, stack.edgeUrl, { onJob: watch.onJob, onError });
      into.push(agent);
      agent.start();
      return agent;
    });
    await withTimeout(
      Promise.all(batch.map((a) => a.connected)),
      CONNECT_TIMEOUT_MS,
      () => `agents did not connect within ${CONNECT_TIMEOUT_MS} ms: ${batch.flatMap((a) => a.errors)[0]}`,
    );
    if (into.length % 100 === 0) progress(`${into.length}/${AGENTS} agents connected`);
  }
}

/** Heartbeats spread evenly, each agent once per HEARTBEAT_SECONDS, until `stop` is aborted. */
function heartbeatAtRealRate(agents: readonly SimAgent[], stop: AbortSignal): Promise<number> {
  const gapMs = (HEARTBEAT_SECONDS * 1000) / agents.length;
  return (async () => {
    let sent = 0;
    const pending: Promise<unknown>[] = [];
    while (!stop.aborted) {
      pending.push(agents[sent % agents.length]!.heartbeat(facts).catch(() => {}));
      sent += 1;
      await sleep(gapMs);
    }
    await Promise.all(pending);
    return sent;
  })();
}

export const agents: Benchmark = {
  name: 'agents',
  description: `${AGENTS} connected agents: edge memory and CPU, heartbeat rate, dispatch p99 while connected`,
  async run() {
    progress(`starting the stack (${POSTGRES_URL ? 'PostgreSQL' : 'PGlite'} + wrangler dev)…`);
    const { stack, stop } = await startBenchStack(POSTGRES_URL);
    const held: SimAgent[] = [];
    try {
      const workerd = descendantsNamed(stack.edge.child.pid!, 'workerd');
      if (workerd.length === 0) throw new Error('no workerd process found under wrangler dev');
      const reloadsBefore = edgeReloads(stack);

      const health = await measureHealth(stack.edgeUrl);
      const healthP50 = percentile(health, 50);
      progress(`GET /health p50 ${round(healthP50)} ms`);
      const idle = await usageOver(workerd, USAGE_WINDOW_MS);
      progress(`no agents: workerd ${round(idle.rssMb)} MB, ${round(idle.cpuPercent)} % CPU`);
      const healthRate = await cpuPerCall(workerd, () =>
        rate(async () => (await fetch(`${stack.edgeUrl}/health`)).text(), CONCURRENCY, RATE_WINDOW_MS),
      );
      progress(`GET /health at concurrency ${CONCURRENCY}: ${round(healthRate.perSecond)}/s`);

      const watch = new JobWatch();
      const connectStarted = performance.now();
      await connectAgents(stack, watch, held);
      const connectSeconds = (performance.now() - connectStarted) / 1000;
      progress(`${held.length} agents seeded and connected in ${round(connectSeconds)} s`);

      const stopHeartbeats = new AbortController();
      const beating = heartbeatAtRealRate(held, stopHeartbeats.signal);
      const connected = await usageOver(workerd, USAGE_WINDOW_MS);
      stopHeartbeats.abort();
      const realRateSent = await beating;
      progress(
        `${held.length} agents: workerd ${round(connected.rssMb)} MB, ${round(connected.cpuPercent)} % CPU`,
      );

      const hb = await cpuPerCall(workerd, () =>
        rate((i) => held[i % held.length]!.heartbeat(facts), CONCURRENCY, RATE_WINDOW_MS),
      );
      progress(
        `heartbeats at concurrency ${CONCURRENCY}: ${round(hb.perSecond)}/s (${hb.failed} failed${hb.firstError ? `: ${hb.firstError}` : ''})`,
      );

      const jobs = await measureJobs(stack, held, watch, {
        warmup: WARMUP_JOBS,
        jobs: JOBS,
        label: `agents=${held.length}`,
      }).catch((error: unknown) => {
        throw new Error(`${(error as Error).message}\nedge output:\n${stack.edge.output().slice(-3000)}`);
      });
      if (jobs.dispatch.length === 0) throw new Error('no job reached an agent');
      const streamErrors = held.flatMap((a) => a.errors);
      const rotations = held.reduce((n, a) => n + a.rotations, 0);
      const reloads = edgeReloads(stack) - reloadsBefore;

      const label = `agents=${held.length}`;
      const item = (
        c: string,
        metric: string,
        value: number,
        baseline: { metric: string; value: number } | null,
        target: number | null,
        samples: number,
      ): BenchCase => ({
        case: c,
        metric,
        value: round(value),
        baseline_metric: baseline?.metric ?? null,
        baseline: baseline ? round(baseline.value) : null,
        ratio: baseline && baseline.value > 0 ? round(value / baseline.value) : null,
        target,
        samples,
      });
      const usageSamples = Math.round(USAGE_WINDOW_MS / 1000);
      const cases: BenchCase[] = [
        item('baseline', 'health_p50_ms', healthP50, null, null, health.length),
        item('agents=0', 'edge_rss_mb', idle.rssMb, null, null, 1),
        item('agents=0', 'edge_cpu_percent', idle.cpuPercent, null, null, usageSamples),
        item('baseline', 'health_per_s', healthRate.perSecond, null, null, healthRate.done),
        item(label, 'seed_and_connect_all_s', connectSeconds, null, null, held.length),
        item(
          label,
          'edge_rss_mb',
          connected.rssMb,
          { metric: 'edge_rss_mb (agents=0)', value: idle.rssMb },
          null,
          1,
        ),
        item(
          label,
          'edge_cpu_percent',
          connected.cpuPercent,
          { metric: 'edge_cpu_percent (agents=0)', value: idle.cpuPercent },
          null,
          usageSamples,
        ),
        item(
          label,
          'heartbeats_per_s',
          hb.perSecond,
          { metric: 'health_per_s', value: healthRate.perSecond },
          // Not the issue's number: the rate these agents need at the real heartbeat interval.
          round(held.length / HEARTBEAT_SECONDS),
          hb.done,
        ),
        item('baseline', 'edge_cpu_ms_per_health', healthRate.cpuMsPerCall, null, null, healthRate.done),
        item(
          label,
          'edge_cpu_ms_per_heartbeat',
          hb.cpuMsPerCall,
          { metric: 'edge_cpu_ms_per_health', value: healthRate.cpuMsPerCall },
          null,
          hb.done,
        ),
        item(
          label,
          'dispatch_p50_ms',
          percentile(jobs.dispatch, 50),
          { metric: 'health_p50_ms', value: healthP50 },
          null,
          jobs.dispatch.length,
        ),
        item(
          label,
          'dispatch_p99_ms',
          percentile(jobs.dispatch, 99),
          { metric: 'health_p50_ms', value: healthP50 },
          TARGET_DISPATCH_P99_MS,
          jobs.dispatch.length,
        ),
        item(
          label,
          'post_to_agent_p99_ms',
          percentile(jobs.postToAgent, 99),
          { metric: 'health_p50_ms', value: healthP50 },
          TARGET_DISPATCH_P99_MS,
          jobs.postToAgent.length,
        ),
      ];
      const problems = [
        jobs.missing && `${jobs.missing} job(s) never reached an agent`,
        jobs.misrouted && `${jobs.misrouted} job(s) reached the wrong agent`,
        jobs.notApplied && `${jobs.notApplied} CompleteJob call(s) not applied`,
        hb.failed && `${hb.failed} heartbeat(s) failed, first: ${hb.firstError}`,
        streamErrors.length && `${streamErrors.length} stream error(s), first: ${streamErrors[0]}`,
        reloads && `wrangler dev reloaded the Worker ${reloads} time(s)`,
      ].filter(Boolean);
      const notes = [
        `${held.length} simulated agents in one Node process (rows seeded in the database, real ES256 tokens checked by the edge, one ReceiveJobs stream each over HTTP/1.1); wrangler dev (workerd) + ${POSTGRES_URL ? 'PostgreSQL (KOMBIFY_BENCH_POSTGRES_URL)' : 'embedded PGlite in its own process'}`,
        `edge_* is workerd's RSS and CPU (% of one core, all workerd processes) over ${USAGE_WINDOW_MS / 1000} s: idle with no agents, then with every agent connected and heartbeating every ${HEARTBEAT_SECONDS} s (${realRateSent} heartbeats sent in the window) and the edge's keepalives on every stream`,
        `edge_cpu_ms_per_*: workerd CPU time over a rate window divided by the calls completed in it (keepalives of the held streams included in the heartbeat window)`,
        `heartbeats_per_s: Heartbeat calls (each writes the node's facts to Postgres) from ${CONCURRENCY} concurrent callers for ${RATE_WINDOW_MS / 1000} s, against GET /health at the same concurrency; its target is what ${held.length} agents need at one heartbeat per ${HEARTBEAT_SECONDS} s`,
        `dispatch as in bench/dispatch.ts (${JOBS} jobs one at a time round-robin after ${WARMUP_JOBS} warm-up) while all agents stay connected`,
        `${rotations} stream rotation(s) (the edge ends streams after AGENT_STREAM_MAX_SECONDS)`,
        'the machine is shared (load from other work inflates CPU and latency figures)',
        ...(problems.length ? [`problems: ${problems.join('; ')}`] : []),
      ].join('; ');
      return { notes, cases };
    } finally {
      progress('stopping the agents and the stack…');
      await Promise.all(held.map((a) => a.stop()));
      await stop();
    }
  },
};
