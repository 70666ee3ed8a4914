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
import { enrollSimAgent, type ReceivedJob, SimAgent } from './sim-agent.ts';
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
    const database = await startDatabaseProcess();
    let stack: Stack;
    try {
      stack = await startStack({ postgresUrl: database.url });
    } catch (error) {
      await database.stop();
      throw error;
    }
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
      await stack.stop();
      await database.stop();
    }
  },
};

/** Bare `GET /health` round trips (response body read), after a warm-up. */
async function measureHealth(edgeUrl: string): Promise<number[]> {
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

async function measureCase(stack: Stack, count: number): Promise<CaseSamples> {
  const received = new Map<string, ReceivedJob>();
  const waiters = new Map<string, (job: ReceivedJob) => void>();
  const onJob = (job: ReceivedJob) => {
    received.set(job.job.id, job);
    waiters.get(job.job.id)?.(job);
  };

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
    // In batches, as real agents would not all dial in within the same millisecond.
    for (let i = 0; i < names.length; i += SETUP_BATCH) {
      const batch = await Promise.all(
        names.slice(i, i + SETUP_BATCH).map(async (name) => {
          const identity = await enrollSimAgent(stack.edgeUrl, await stack.enrollmentToken(), name);
          const agent = new SimAgent(identity, stack.edgeUrl, { onJob, onError });
          agents.push(agent);
          agent.start();
          return agent;
        }),
      );
      await withTimeout(
        Promise.all(batch.map((a) => a.connected)),
        CONNECT_TIMEOUT_MS,
        () =>
          `agents did not connect within ${CONNECT_TIMEOUT_MS} ms; errors: ${batch
            .flatMap((a) => a.errors)
            .slice(0, 3)
            .join('; ')}`,
      );
    }
    progress(`agents=${count}: all connected; ${WARMUP_JOBS} warm-up + ${JOBS} measured jobs…`);

    const waitFor = (id: string): Promise<ReceivedJob | null> => {
      const already = received.get(id);
      if (already) return Promise.resolve(already);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(id);
          resolve(null);
        }, RECEIVE_TIMEOUT_MS);
        waiters.set(id, (job) => {
          clearTimeout(timer);
          waiters.delete(id);
          resolve(job);
        });
      });
    };

    const s: CaseSamples = {
      agents: count,
      dispatch: [],
      postToAgent: [],
      missing: 0,
      misrouted: 0,
      notApplied: 0,
      rotations: 0,
      errors: [],
      reloads: 0,
    };
    for (let i = 0; i < WARMUP_JOBS + JOBS; i++) {
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
      const id = body.data.id as string;
      const job = await waitFor(id);
      const measured = i >= WARMUP_JOBS;
      if (!job) {
        if (measured) s.missing += 1;
        continue;
      }
      received.delete(id);
      if (!(await job.completed) && measured) s.notApplied += 1;
      if (measured) {
        if (job.agentId !== target.identity.agent_id) s.misrouted += 1;
        s.dispatch.push(job.at - answered);
        s.postToAgent.push(job.at - sent);
      }
      if ((i + 1) % 100 === 0) progress(`agents=${count}: ${i + 1}/${WARMUP_JOBS + JOBS} jobs`);
      await sleep(GAP_MS);
    }
    s.rotations = agents.reduce((sum, a) => sum + a.rotations, 0);
    s.errors = agents.flatMap((a) => a.errors);
    s.reloads = edgeReloads(stack) - reloadsBefore;
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
function edgeReloads(stack: Stack): number {
  return stack.edge.output().split('Reloading local server').length - 1;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
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
