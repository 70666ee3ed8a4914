/**
 * Dispatch latency: from `POST /v1/orchestrator/jobs` to the agent holding the job, with 1, 10 and
 * 100 connected agents, against a bare `GET /health` round trip to the same edge measured in the
 * same run. One real local stack (wrangler dev + embedded PGlite); the agents are simulated in
 * this process with the real agent's identity, token and Connect client modules. PGlite runs in a
 * child process (bench/database-server.ts) so its query work does not delay this event loop.
 *
 * Jobs go one at a time, round-robin across the agents: POST, wait until the job is received,
 * wait until its CompleteJob answered (outside the measured span, so one job's completion never
 * overlaps the next one's dispatch), a short gap, next POST. Two spans per job:
 *   dispatch      POST response parsed → job received by the agent
 *   post_to_agent POST sent            → job received by the agent
 * The edge pushes the job into the stream before it answers the POST, so `dispatch` can be ≤ 0;
 * it is recorded as measured, not clamped.
 */
import type { Stack } from '../test/harness/stack.ts';
import { startStack } from '../test/harness/stack.ts';
import { startDatabaseProcess } from './database-process.ts';
import type { BenchCase, Benchmark } from './result.ts';
import { enrollSimAgent, type ReceivedJob, SimAgent, type SimAgentHandlers } from './sim-agent.ts';
import { percentile, round, sleep } from './stats.ts';

const AGENT_COUNTS = [1, 10, 100];
const WARMUP_JOBS = 20;
const JOBS = 300;
const HEALTH_WARMUP = 20;
const HEALTH_SAMPLES = 200;
/** Pause between one job's completion and the next POST. */
const GAP_MS = 5;
const TARGET_P99_MS = 250;
const RECEIVE_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 60_000;
/** Agents enrolled and connected at once while setting up a case. */
const SETUP_BATCH = 10;

const progress = (line: string) => process.stderr.write(`[dispatch] ${line}\n`);

interface CaseSamples {
  agents: number;
  dispatch: number[];
  postToAgent: number[];
  missing: number;
  misrouted: number;
  notApplied: number;
  rotations: number;
  errors: string[];
  /** Times wrangler dev reloaded the Worker (a source file changed) during the case. */
  reloads: number;
}

export const dispatch: Benchmark = {
  name: 'dispatch',
  description: 'job dispatch latency (POST /v1/orchestrator/jobs → agent) with 1, 10 and 100 agents',
  async run() {
    progress('starting the stack (PGlite + wrangler dev)…');
    const { stack, stop } = await startBenchStack();
    try {
      const health = await measureHealth(stack.edgeUrl);
      const healthP50 = percentile(health, 50);
      progress(`GET /health p50 ${round(healthP50)} ms over ${health.length} round trips`);
      const baseline = round(healthP50);
      const cases: BenchCase[] = [
        {
          case: 'baseline',
          metric: 'health_p50_ms',
          value: baseline,
          baseline_metric: null,
          baseline: null,
          ratio: null,
          target: null,
          samples: health.length,
        },
        {
          case: 'baseline',
          metric: 'health_p99_ms',
          value: round(percentile(health, 99)),
          baseline_metric: null,
          baseline: null,
          ratio: null,
          target: null,
          samples: health.length,
        },
      ];
      const nonPositive: string[] = [];
      const problems: string[] = [];
      for (const agents of AGENT_COUNTS) {
        const s = await measureCase(stack, agents);
        const metric = (name: string, values: number[], p: number, target: number | null): BenchCase => {
          const value = round(percentile(values, p));
          return {
            case: `agents=${agents}`,
            metric: name,
            value,
            baseline_metric: 'health_p50_ms',
            baseline,
            ratio: round(value / healthP50),
            target,
            samples: values.length,
          };
        };
        cases.push(
          metric('dispatch_p50_ms', s.dispatch, 50, null),
          metric('dispatch_p99_ms', s.dispatch, 99, TARGET_P99_MS),
          metric('post_to_agent_p50_ms', s.postToAgent, 50, null),
          metric('post_to_agent_p99_ms', s.postToAgent, 99, TARGET_P99_MS),
        );
        nonPositive.push(
          `${s.dispatch.filter((v) => v <= 0).length}/${s.dispatch.length} at agents=${agents}`,
        );
        const trouble = [
          s.missing && `${s.missing} job(s) never reached an agent`,
          s.misrouted && `${s.misrouted} job(s) reached the wrong agent`,
          s.notApplied && `${s.notApplied} CompleteJob call(s) not applied`,
          s.rotations && `${s.rotations} stream rotation(s)`,
          s.reloads && `wrangler dev reloaded the Worker ${s.reloads} time(s) (a source file changed)`,
          s.errors.length && `${s.errors.length} agent error(s), first: ${s.errors[0]}`,
        ].filter(Boolean);
        if (trouble.length) problems.push(`agents=${agents}: ${trouble.join('; ')}`);
      }
      const notes = [
        'wrangler dev (workerd) + embedded PGlite through the Neon driver; simulated agents in one Node process',
        'PGlite in its own Node process, reached through the ws proxy of scripts/lib',
        `jobs sent one at a time round-robin, ${JOBS} measured after ${WARMUP_JOBS} warm-up per case, next POST after the previous job was received and completed plus ${GAP_MS} ms`,
        'percentiles by nearest rank',
        `dispatch_* runs from the POST response being parsed to the agent receiving the job; the edge pushes the job before it answers, so samples can be <= 0 and are kept as measured (<= 0: ${nonPositive.join(', ')})`,
        'post_to_agent_* runs from the POST being sent',
        ...(problems.length ? [`problems: ${problems.join(' | ')}`] : []),
      ].join('; ');
      return { notes, cases };
    } finally {
      progress('stopping the stack…');
      await stop();
    }
  },
};

/**
 * A real local stack for a benchmark: wrangler dev and PGlite in its own process (see the top), or
 * the PostgreSQL at `postgresUrl` when given.
 */
export async function startBenchStack(
  postgresUrl?: string,
): Promise<{ stack: Stack; stop(): Promise<void> }> {
  // Hundreds of simulated agents connect from loopback at once: each one's first calls come
  // before the edge has seen its token accepted, so the per-address budget (M7) is lifted.
  const vars = { UNVERIFIED_PER_IP_PER_MINUTE: '1000000' };
  if (postgresUrl) {
    const stack = await startStack({ postgresUrl, vars });
    return { stack, stop: () => stack.stop() };
  }
  const database = await startDatabaseProcess();
  try {
    const stack = await startStack({ postgresUrl: database.url, vars });
    return {
      stack,
      async stop() {
        await stack.stop();
        await database.stop();
      },
    };
  } catch (error) {
    await database.stop();
    throw error;
  }
}

/** Bare `GET /health` round trips (response body read), after a warm-up. */
export async function measureHealth(edgeUrl: string): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < HEALTH_WARMUP + HEALTH_SAMPLES; i++) {
    const started = performance.now();
    const res = await fetch(`${edgeUrl}/health`);
    await res.text();
    const took = performance.now() - started;
    if (res.status !== 200) throw new Error(`GET /health answered ${res.status}`);
    if (i >= HEALTH_WARMUP) samples.push(took);
  }
  return samples;
}

/** Notes each job an agent receives, and lets the sender wait for one by id. */
export class JobWatch {
  readonly #received = new Map<string, ReceivedJob>();
  readonly #waiters = new Map<string, (job: ReceivedJob) => void>();

  readonly onJob = (job: ReceivedJob): void => {
    this.#received.set(job.job.id, job);
    this.#waiters.get(job.job.id)?.(job);
  };

  /** The job once an agent has it, or null after `timeoutMs`. */
  waitFor(id: string, timeoutMs = RECEIVE_TIMEOUT_MS): Promise<ReceivedJob | null> {
    const already = this.#received.get(id);
    if (already) {
      this.#received.delete(id);
      return Promise.resolve(already);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(id);
        resolve(null);
      }, timeoutMs);
      this.#waiters.set(id, (job) => {
        clearTimeout(timer);
        this.#waiters.delete(id);
        this.#received.delete(id);
        resolve(job);
      });
    });
  }
}

export interface JobSamples {
  dispatch: number[];
  postToAgent: number[];
  missing: number;
  misrouted: number;
  notApplied: number;
}

/**
 * Sends `warmup + jobs` node.facts jobs one at a time, round-robin over `agents`, and measures
 * each one's two spans (see the top of this file); warm-up jobs are not recorded.
 */
export async function measureJobs(
  stack: Stack,
  agents: readonly SimAgent[],
  watch: JobWatch,
  opts: { warmup: number; jobs: number; label: string },
): Promise<JobSamples> {
  const s: JobSamples = { dispatch: [], postToAgent: [], missing: 0, misrouted: 0, notApplied: 0 };
  for (let i = 0; i < opts.warmup + opts.jobs; i++) {
    const target = agents[i % agents.length]!;
    const sent = performance.now();
    const res = await fetch(`${stack.edgeUrl}/v1/orchestrator/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ worker_id: target.identity.agent_id, type: 'node.facts', params: {} }),
    });
    const body = (await res.json()) as any;
    const answered = performance.now();
    if (res.status !== 201)
      throw new Error(`POST /v1/orchestrator/jobs answered ${res.status}: ${JSON.stringify(body)}`);
    const job = await watch.waitFor(body.data.id as string);
    const measured = i >= opts.warmup;
    if (!job) {
      if (measured) s.missing += 1;
      continue;
    }
    if (!(await job.completed) && measured) s.notApplied += 1;
    if (measured) {
      if (job.agentId !== target.identity.agent_id) s.misrouted += 1;
      s.dispatch.push(job.at - answered);
      s.postToAgent.push(job.at - sent);
    }
    if ((i + 1) % 100 === 0) progress(`${opts.label}: ${i + 1}/${opts.warmup + opts.jobs} jobs`);
    await sleep(GAP_MS);
  }
  return s;
}

/**
 * Enrolls and connects one simulated agent per name, `batch` at a time (real agents do not all dial
 * in within the same millisecond). Each is pushed onto `into` as soon as it exists, so the caller
 * can stop every started agent even when connecting fails.
 */
export async function connectSimAgents(
  stack: Stack,
  names: readonly string[],
  handlers: SimAgentHandlers,
  into: SimAgent[],
  opts: { batch?: number; timeoutMs?: number; onBatch?: (connected: number) => void } = {},
): Promise<void> {
  const size = opts.batch ?? SETUP_BATCH;
  const timeoutMs = opts.timeoutMs ?? CONNECT_TIMEOUT_MS;
  for (let i = 0; i < names.length; i += size) {
    const batch = await Promise.all(
      names.slice(i, i + size).map(async (name) => {
        const identity = await enrollSimAgent(stack.edgeUrl, await stack.enrollmentToken(), name);
        const agent = new SimAgent(identity, stack.edgeUrl, handlers);
        into.push(agent);
        agent.start();
        return agent;
      }),
    );
    await withTimeout(
      Promise.all(batch.map((a) => a.connected)),
      timeoutMs,
      () =>
        `agents did not connect within ${timeoutMs} ms; errors: ${batch
          .flatMap((a) => a.errors)
          .slice(0, 3)
          .join('; ')}`,
    );
    opts.onBatch?.(into.length);
  }
}

async function measureCase(stack: Stack, count: number): Promise<CaseSamples> {
  const watch = new JobWatch();
  const caseStart = performance.now();
  let reported = 0;
  const onError = (message: string) => {
    if (reported++ < 5)
      progress(`agents=${count}: at ${Math.round(performance.now() - caseStart)} ms: ${message}`);
  };
  const reloadsBefore = edgeReloads(stack);
  progress(`agents=${count}: enrolling and connecting ${count} simulated agent(s)…`);
  const agents: SimAgent[] = [];
  const names = Array.from({ length: count }, (_, i) => `bench-${count}-${i}`);
  try {
    await connectSimAgents(stack, names, { onJob: watch.onJob, onError }, agents);
    progress(`agents=${count}: all connected; ${WARMUP_JOBS} warm-up + ${JOBS} measured jobs…`);

    const jobs = await measureJobs(stack, agents, watch, {
      warmup: WARMUP_JOBS,
      jobs: JOBS,
      label: `agents=${count}`,
    });
    const s: CaseSamples = {
      agents: count,
      ...jobs,
      rotations: agents.reduce((sum, a) => sum + a.rotations, 0),
      errors: agents.flatMap((a) => a.errors),
      reloads: edgeReloads(stack) - reloadsBefore,
    };
    if (s.dispatch.length === 0) throw new Error(`agents=${count}: no job reached an agent`);
    progress(
      `agents=${count}: dispatch p50 ${round(percentile(s.dispatch, 50))} ms, p99 ${round(percentile(s.dispatch, 99))} ms`,
    );
    return s;
  } finally {
    await Promise.all(agents.map((a) => a.stop()));
  }
}

/** wrangler dev logs this line each time it rebuilds and restarts the Worker. */
export function edgeReloads(stack: Stack): number {
  return stack.edge.output().split('Reloading local server').length - 1;
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
