/**
 * Deploy: base-homelab to one local node, end to end — against the floor: the same containers
 * made directly with dockerode in the same run (bench/deploy-labs.ts says what each lab deploys).
 *
 *   deploy  POST /v1/orchestrator/stacks/{id}/provision {auto_approve} → the whole workflow in the
 *           StackObject (validate, resolve, generate, pre-checks, plan as a dry-run converge,
 *           apply, verify) through the real agent process and Docker → the workflow reads
 *           `succeeded` through the API. For `default`, the agent fetches the database password
 *           from the secret store (FetchJobSecrets) and puts it into PostgreSQL and the app.
 *   floor   network + volumes, then each container created and started in order with dockerode,
 *           files placed, the ones with a health check waited for until healthy (what converge
 *           also does), from this process with no edge, agent or diffing
 *
 * The two alternate, each after a clean slate (everything labelled with this run's stack id
 * removed, outside the measured span). `default` against `default-env` (the same spec with the
 * password inline) is the secret delivery's cost per converge job.
 */
import type Docker from 'dockerode';
import { buildServiceImages } from '../scripts/lib/service-images.ts';
import { requireDocker, TEST_IMAGE } from '../test/harness/docker.ts';
import type { Homelab } from '../test/harness/homelab.ts';
import { poll, type Stack, startStack } from '../test/harness/stack.ts';
import { startDatabaseProcess } from './database-process.ts';
import { deployDirectly, type Lab, makeLab, removeStack, SECRET_PATH } from './deploy-labs.ts';
import type { BenchCase, Benchmark } from './result.ts';
import { percentile, round } from './stats.ts';

const WARMUP = 1;
const SAMPLES = 5;
/** Issue 15's target for the stand-in lab; issue 16's for base-homelab default with real images. */
const TARGET_RATIO: Record<Lab['name'], number | null> = { minimal: 1.5, default: 1.2, 'default-env': null };

const progress = (line: string) => process.stderr.write(`[deploy] ${line}\n`);

/**
 * One deploy of the lab to the node, finished when the stack runs. Swappable (see above). Returns
 * the `kombify.stack` label of what it made, for the clean slate.
 */
export type Deploy = (stack: Stack, workerId: string, lab: Homelab) => Promise<string>;

export const deployThroughJob: Deploy = async (stack, workerId, lab) => {
  const params = lab.job.params;
  const created = await stack.api('/v1/orchestrator/jobs', {
    body: { worker_id: workerId, type: 'stack.converge', params },
  });
  if (created.status !== 201)
    throw new Error(`POST job answered ${created.status}: ${JSON.stringify(created.body)}`);
  const job = await stack.waitForJob(created.body.data.id, ['succeeded', 'failed'], 120_000);
  if (job.status !== 'succeeded') throw new Error(`converge failed: ${JSON.stringify(job.error)}`);
  if (job.result.changes.create !== params.services.length) {
    throw new Error(`converge did not create every service: ${JSON.stringify(job.result.changes)}`);
  }
  return params.stack;
};

/** The stack made once per lab (outside the first measured span: creating is not deploying). */
const workflowStacks = new Map<string, string>();

export const deployThroughWorkflow: Deploy = async (stack, workerId, lab) => {
  let id = workflowStacks.get(lab.job.params.stack);
  if (!id) {
    const approved = await stack.api(`/v1/orchestrator/workers/${workerId}/approve`, { method: 'POST' });
    if (approved.status !== 200) throw new Error(`approve answered ${approved.status}`);
    const created = await stack.api('/v1/orchestrator/stacks', {
      body: { yaml: lab.spec, options: { images: lab.images }, bindings: { local: { worker_id: workerId } } },
    });
    if (created.status !== 201)
      throw new Error(`POST stack answered ${created.status}: ${JSON.stringify(created.body)}`);
    id = created.body.data.id as string;
    workflowStacks.set(lab.job.params.stack, id);
  }
  const started = await stack.api(`/v1/orchestrator/stacks/${id}/provision`, {
    body: { auto_approve: true },
  });
  if (started.status !== 202)
    throw new Error(`provision answered ${started.status}: ${JSON.stringify(started.body)}`);
  const wf = await poll(
    async () => {
      const view = (await stack.api(`/v1/orchestrator/workflows/${started.body.data.id}`)).body.data;
      return ['succeeded', 'failed', 'cancelled'].includes(view?.status) ? view : null;
    },
    120_000,
    'the provision workflow to end',
  );
  if (wf.status !== 'succeeded') throw new Error(`provision ${wf.status}: ${JSON.stringify(wf.error)}`);
  const apply = wf.steps.find((st: { name: string }) => st.name === 'apply');
  if (apply?.detail?.nodes?.[0]?.changes?.create !== lab.job.params.services.length) {
    throw new Error(`provision did not create every service: ${JSON.stringify(apply?.detail)}`);
  }
  return id;
};

/** Deploy and floor, alternating, for one lab: p50s and the samples. */
async function measure(docker: Docker, stack: Stack, workerId: string, deploy: Deploy, lab: Lab) {
  const params = lab.homelab.job.params;
  const deploySamples: number[] = [];
  const floorSamples: number[] = [];
  await removeStack(docker, params.stack);
  for (let i = 0; i < WARMUP + SAMPLES; i++) {
    const t0 = performance.now();
    const made = await deploy(stack, workerId, lab.homelab);
    const viaDeploy = performance.now() - t0;
    await removeStack(docker, made);
    const t1 = performance.now();
    await deployDirectly(docker, params, lab);
    const viaFloor = performance.now() - t1;
    await removeStack(docker, params.stack);
    const label = i < WARMUP ? 'warm-up' : `sample ${i - WARMUP + 1}/${SAMPLES}`;
    progress(`${lab.name} ${label}: deploy ${Math.round(viaDeploy)} ms, floor ${Math.round(viaFloor)} ms`);
    if (i >= WARMUP) {
      deploySamples.push(viaDeploy);
      floorSamples.push(viaFloor);
    }
  }
  return {
    deploy: round(percentile(deploySamples, 50)),
    floor: round(percentile(floorSamples, 50)),
    deploySamples,
    floorSamples,
  };
}

function labCases(lab: Lab, m: Awaited<ReturnType<typeof measure>>): BenchCase[] {
  const params = lab.homelab.job.params;
  const name = `base-homelab ${lab.name}, 1 node (${params.services.length} containers)`;
  const n = m.deploySamples.length;
  return [
    {
      case: `${name}: floor (dockerode direct)`,
      metric: 'deploy_p50_ms',
      value: m.floor,
      baseline_metric: null,
      baseline: null,
      ratio: null,
      target: null,
      samples: n,
    },
    {
      case: name,
      metric: 'deploy_p50_ms',
      value: m.deploy,
      baseline_metric: 'floor deploy_p50_ms',
      baseline: m.floor,
      ratio: round(m.deploy / m.floor),
      target: null,
      samples: n,
    },
    {
      case: name,
      metric: 'deploy_ratio',
      value: round(m.deploy / m.floor),
      baseline_metric: null,
      baseline: null,
      ratio: null,
      target: TARGET_RATIO[lab.name],
      samples: n,
    },
  ];
}

export function makeDeployBenchmark(deploy: Deploy, description: string): Benchmark {
  return {
    name: 'deploy',
    description,
    async run() {
      const docker = (await requireDocker()) as Docker;
      const run = process.pid.toString(36);
      const password = `bench-${run}-${Math.random().toString(36).slice(2, 10)}`;
      progress('building the real service images (PostgreSQL, echo app)…');
      await buildServiceImages({
        testImage: TEST_IMAGE,
        only: ['postgres:16-alpine', 'kombify/echo-app:1'],
        progress: (line) => progress(line),
      });
      const labs = [
        await makeLab('minimal', `bench-deploy-${run}`, password),
        await makeLab('default', `bench-default-${run}`, password),
        await makeLab('default-env', `bench-defenv-${run}`, password),
      ];
      progress('starting the stack (PGlite + wrangler dev) and a real agent…');
      const database = await startDatabaseProcess();
      let stack: Stack | undefined;
      try {
        stack = await startStack({ postgresUrl: database.url });
        const { workerId } = await stack.onlineAgent('bench-deploy');
        const put = await stack.api(`/v1/orchestrator/secrets/${SECRET_PATH}`, {
          method: 'PUT',
          body: { value: password },
        });
        if (put.status >= 300) throw new Error(`PUT secret answered ${put.status}`);
        const cases: BenchCase[] = [];
        const results = new Map<Lab['name'], Awaited<ReturnType<typeof measure>>>();
        for (const lab of labs) {
          const m = await measure(docker, stack, workerId, deploy, lab);
          results.set(lab.name, m);
          cases.push(...labCases(lab, m));
        }
        const secret = results.get('default')!;
        const plain = results.get('default-env')!;
        cases.push({
          case: 'secret delivery per converge job (default − default-env deploy p50)',
          metric: 'secret_delivery_overhead_ms',
          value: round(secret.deploy - plain.deploy),
          baseline_metric: 'default-env deploy_p50_ms',
          baseline: plain.deploy,
          ratio: round(secret.deploy / plain.deploy),
          target: null,
          samples: secret.deploySamples.length,
        });
        const notes = [
          'wrangler dev (workerd) + PGlite in a child process; one real agent process; the shared Docker engine',
          `minimal: busybox stand-ins; default: ${labs[1]!.homelab.job.params.services.length} containers, the real PostgreSQL (Debian postgresql-15) and echo app, the kit's others on ${TEST_IMAGE}; health checks waited for on both paths`,
          `${SAMPLES} samples after ${WARMUP} warm-up per lab, alternating deploy and floor, clean slate before each; p50 by nearest rank`,
          `deploy = ${description}`,
          ...labs.map((l) => {
            const m = results.get(l.name)!;
            return `${l.name}: deploy ${m.deploySamples.map((v) => Math.round(v)).join(', ')} ms; floor ${m.floorSamples.map((v) => Math.round(v)).join(', ')} ms`;
          }),
        ].join('; ');
        return { notes, cases };
      } finally {
        for (const made of [...labs.map((l) => l.homelab.job.params.stack), ...workflowStacks.values()])
          await removeStack(docker, made).catch(() => {});
        progress('stopping the stack…');
        await stack?.stop();
        await database.stop();
      }
    },
  };
}

export const deploy = makeDeployBenchmark(
  deployThroughWorkflow,
  'POST /stacks/{id}/provision auto_approve → workflow (pre-checks, dry-run plan, apply, HTTP verify) through the real agent and Docker → workflow succeeded (polled through the API)',
);
