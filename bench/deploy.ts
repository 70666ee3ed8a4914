/**
 * Deploy: base-homelab `minimal` (5 services, 1 network, 6 volumes; every service on the local
 * busybox image, test/harness/homelab.ts) to one local node, end to end — against the floor: the
 * same containers made directly with dockerode in the same run.
 *
 *   deploy  POST /v1/orchestrator/stacks/{id}/provision {auto_approve} → the whole workflow in the
 *           StackObject (validate, resolve, generate, pre-checks, plan as a dry-run converge,
 *           apply, verify with HTTP checks) through the real agent process and Docker → the
 *           workflow reads `succeeded` through the API
 *   floor   network + volumes, then each container created and started in order with dockerode,
 *           the ones with a health check waited for until healthy (what converge also does), from
 *           this process with no edge, agent or diffing
 *
 * The two alternate, each after a clean slate (everything labelled with this run's stack id
 * removed, outside the measured span). The path under test is the swappable `Deploy` function:
 * `deployThroughWorkflow` (what a user runs), or `deployThroughJob` (one stack.converge job, the
 * agent's share alone).
 */
import type { StackConvergeParams } from '@kombify/proto/jobs';
import type Docker from 'dockerode';
import { containerOptions } from '../agent/src/executors/converge/container-options.ts';
import { healthWaitMs, waitForHealth } from '../agent/src/executors/converge/health.ts';
import { stackLabels } from '../agent/src/executors/converge/labels.ts';
import { containerSpecHash } from '../agent/src/executors/converge/spec-hash.ts';
import { requireDocker, TEST_IMAGE } from '../test/harness/docker.ts';
import { type Homelab, homelab } from '../test/harness/homelab.ts';
import { poll, type Stack, startStack } from '../test/harness/stack.ts';
import { startDatabaseProcess } from './database-process.ts';
import type { BenchCase, Benchmark } from './result.ts';
import { percentile, round } from './stats.ts';

const WARMUP = 1;
const SAMPLES = 5;
const TARGET_RATIO = 1.5;

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

/** The stack made once per worker (outside the first measured span: creating is not deploying). */
const workflowStacks = new Map<string, string>();

export const deployThroughWorkflow: Deploy = async (stack, workerId, lab) => {
  let id = workflowStacks.get(workerId);
  if (!id) {
    const approved = await stack.api(`/v1/orchestrator/workers/${workerId}/approve`, { method: 'POST' });
    if (approved.status !== 200) throw new Error(`approve answered ${approved.status}`);
    const created = await stack.api('/v1/orchestrator/stacks', {
      body: { yaml: lab.spec, options: { images: lab.images }, bindings: { local: { worker_id: workerId } } },
    });
    if (created.status !== 201)
      throw new Error(`POST stack answered ${created.status}: ${JSON.stringify(created.body)}`);
    id = created.body.data.id as string;
    workflowStacks.set(workerId, id);
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

/** The floor: the same objects made directly, one after another. */
async function deployDirectly(docker: Docker, params: StackConvergeParams): Promise<void> {
  const labels = stackLabels(params.stack, params.node);
  for (const n of params.networks)
    await docker.createNetwork({ Name: n.name, Driver: 'bridge', Labels: labels });
  await Promise.all(params.volumes.map((v) => docker.createVolume({ Name: v.name, Labels: labels })));
  for (const s of params.services) {
    const container = await docker.createContainer(
      containerOptions(params.stack, params.node, s, containerSpecHash(s, params.networks)),
    );
    await container.start();
    if (s.healthcheck) {
      const info = await waitForHealth(
        docker,
        container.id,
        healthWaitMs(s.healthcheck),
        new AbortController().signal,
      );
      if (info.State.Health?.Status !== 'healthy') throw new Error(`${s.name} did not become healthy`);
    }
  }
}

async function removeStack(docker: Docker, id: string): Promise<void> {
  const filters = { label: [`kombify.stack=${id}`] };
  await Promise.all(
    (await docker.listContainers({ all: true, filters })).map((c) =>
      docker.getContainer(c.Id).remove({ force: true }),
    ),
  );
  for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove();
  await Promise.all(
    ((await docker.listVolumes({ filters })).Volumes ?? []).map((v) => docker.getVolume(v.Name).remove()),
  );
}

export function makeDeployBenchmark(deploy: Deploy, description: string): Benchmark {
  return {
    name: 'deploy',
    description,
    async run() {
      const docker = (await requireDocker()) as Docker;
      const id = `bench-deploy-${process.pid.toString(36)}`;
      const lab = await homelab({ name: id, variant: 'minimal', image: TEST_IMAGE });
      const params = lab.job.params;
      progress('starting the stack (PGlite + wrangler dev) and a real agent…');
      const database = await startDatabaseProcess();
      let stack: Stack | undefined;
      try {
        stack = await startStack({ postgresUrl: database.url });
        const { workerId } = await stack.onlineAgent('bench-deploy');
        const deploySamples: number[] = [];
        const floorSamples: number[] = [];
        await removeStack(docker, id);
        for (let i = 0; i < WARMUP + SAMPLES; i++) {
          const t0 = performance.now();
          const made = await deploy(stack, workerId, lab);
          const viaDeploy = performance.now() - t0;
          await removeStack(docker, made);
          const t1 = performance.now();
          await deployDirectly(docker, params);
          const viaFloor = performance.now() - t1;
          await removeStack(docker, id);
          const label = i < WARMUP ? 'warm-up' : `sample ${i - WARMUP + 1}/${SAMPLES}`;
          progress(`${label}: deploy ${Math.round(viaDeploy)} ms, floor ${Math.round(viaFloor)} ms`);
          if (i >= WARMUP) {
            deploySamples.push(viaDeploy);
            floorSamples.push(viaFloor);
          }
        }
        const floor = round(percentile(floorSamples, 50));
        const value = round(percentile(deploySamples, 50));
        const cases: BenchCase[] = [
          {
            case: 'floor (dockerode direct)',
            metric: 'deploy_p50_ms',
            value: floor,
            baseline_metric: null,
            baseline: null,
            ratio: null,
            target: null,
            samples: floorSamples.length,
          },
          {
            case: 'base-homelab minimal, 1 node',
            metric: 'deploy_p50_ms',
            value,
            baseline_metric: 'floor deploy_p50_ms',
            baseline: floor,
            ratio: round(value / floor),
            target: null,
            samples: deploySamples.length,
          },
          {
            case: 'base-homelab minimal, 1 node',
            metric: 'deploy_ratio',
            value: round(value / floor),
            baseline_metric: null,
            baseline: null,
            ratio: null,
            target: TARGET_RATIO,
            samples: deploySamples.length,
          },
        ];
        const notes = [
          'wrangler dev (workerd) + PGlite in a child process; one real agent process; the shared Docker engine',
          `${params.services.length} containers, ${params.networks.length} network, ${params.volumes.length} volumes; image ${TEST_IMAGE}; 2 services with 1 s health checks, waited for on both paths`,
          `${SAMPLES} samples after ${WARMUP} warm-up, alternating deploy and floor, clean slate before each; p50 by nearest rank`,
          `deploy = ${description}`,
          `deploy samples ${deploySamples.map((v) => Math.round(v)).join(', ')} ms; floor samples ${floorSamples.map((v) => Math.round(v)).join(', ')} ms`,
        ].join('; ');
        return { notes, cases };
      } finally {
        for (const made of [id, ...workflowStacks.values()]) await removeStack(docker, made).catch(() => {});
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
