/**
 * KombiSim readiness: from `POST /api/v1/templates/{t}/apply` (auto_start) to every node ready —
 * its SSH banner on the published port (read from the host) **and** its own Docker engine
 * answering (`docker version` inside it) — for single-node, homelab-basic and ha-setup (with and
 * without each node's agent). The floor, measured in the same run: `docker run` of the same number
 * of bare engine containers (the same image and the same no-`--privileged` recipe, each with a
 * fresh volume for its engine's data, running only `dockerd`) until each engine answers. Targets
 * (issue 15): ≤ 1.3× the floor, and ha-setup (5 machines) ready in under 15 s.
 *
 * Also the memory of an idle node (its container's cgroup: engine + agent + sshd, page cache not
 * counted), against an idle bare engine container.
 *
 * One real local stack (wrangler dev + PGlite), one real host agent, the real Docker engine; each
 * sample deletes its simulation (untimed) before the next.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { waitForSsh } from '../agent/src/sim/ssh-ready.ts';
import { requireDocker } from '../test/harness/docker.ts';
import { requireSimImage, SIM_IMAGE } from '../test/harness/sim.ts';
import { startStack } from '../test/harness/stack.ts';
import type { BenchCase, Benchmark } from './result.ts';
import { percentile, round } from './stats.ts';

const run = promisify(execFile);
const WARMUP = 1;
const SAMPLES = 5;
const RATIO_TARGET = 1.3;
const HA_TARGET_MS = 15_000;
// Away from the ports the e2e suites use (2222…, 2300…, 2340…, 2360…).
const SSH_FIRST = 2400;
const IDLE_WAIT_MS = 10_000;
const cases = [
  { template: 'single-node', nodes: 1, deployTarget: false },
  { template: 'homelab-basic', nodes: 2, deployTarget: false },
  { template: 'ha-setup', nodes: 5, deployTarget: false },
  // ha-setup's default: every node's agent starts and enrolls too.
  { template: 'ha-setup', nodes: 5, deployTarget: true },
] as const;

const progress = (line: string) => process.stderr.write(`[simulation] ${line}\n`);

/** The engine in a container answers (retried until it does, or 60 s). */
async function engineAnswers(container: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await run('docker', ['exec', container, 'docker', 'version', '--format', '{{.Server.Version}}']);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`the engine in ${container} did not answer: ${error}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function sshAnswers(port: number): Promise<void> {
  if (!(await waitForSsh('127.0.0.1', port, { timeoutMs: 60_000 })))
    throw new Error(`SSH did not answer on port ${port}`);
}

/** The no-`--privileged` recipe of a node (agent/src/executors/sim-node.ts), for `docker run`. */
const engineFlags = [
  '--cap-add',
  'ALL',
  '--cap-drop',
  'SYS_RESOURCE',
  '--security-opt',
  'seccomp=unconfined',
  '--security-opt',
  'apparmor=unconfined',
  '--security-opt',
  'systempaths=unconfined',
  '--cgroupns',
  'host',
  '-v',
  '/sys/fs/cgroup:/sys/fs/cgroup:rw',
  '--tmpfs',
  '/run',
];

/** The floor: plain `docker run` of n bare engine containers, until each engine answers. */
async function floorSample(n: number, tag: string, keep?: (names: string[]) => Promise<void>) {
  const names = Array.from({ length: n }, (_, i) => `kombify-bench-engine-${process.pid}-${tag}-${i}`);
  const started = performance.now();
  try {
    await Promise.all(
      names.map((name) =>
        run('docker', [
          'run',
          '-d',
          '--name',
          name,
          ...engineFlags,
          '-v',
          `${name}:/var/lib/docker`,
          '--memory',
          '512m',
          '--entrypoint',
          'dockerd',
          SIM_IMAGE,
          '--storage-driver=overlay2',
        ]),
      ),
    );
    await Promise.all(names.map(engineAnswers));
    const ms = performance.now() - started;
    await keep?.(names);
    return ms;
  } finally {
    await run('docker', ['rm', '-f', '-v', ...names]).catch(() => {});
    await run('docker', ['volume', 'rm', ...names]).catch(() => {});
  }
}

/** A container's memory in MiB without page cache (cgroup v1 `cache`, v2 `inactive_file`). */
async function memoryMb(docker: Docker, container: string): Promise<number> {
  const stats = (await docker.getContainer(container).stats({ stream: false })) as {
    memory_stats: { usage?: number; stats?: Record<string, number> };
  };
  const usage = stats.memory_stats.usage ?? 0;
  const cache = stats.memory_stats.stats?.total_inactive_file ?? stats.memory_stats.stats?.inactive_file ?? 0;
  return (usage - cache) / 1024 / 1024;
}

export const simulation: Benchmark = {
  name: 'simulation',
  description:
    'template apply → every node answering SSH and its own engine answering, against docker run of as many bare engine containers',
  async run() {
    const docker = await requireDocker();
    await requireSimImage();
    progress('starting the stack (PGlite + wrangler dev) and a host agent…');
    const stack = await startStack({
      vars: { SIM_NODE_IMAGE: SIM_IMAGE, SIM_SSH_PORT_FIRST: String(SSH_FIRST), SIM_SSH_PORTS: '10' },
    });
    const out: BenchCase[] = [];
    const idle: { node: number[]; bare: number[] } = { node: [], bare: [] };
    try {
      await stack.onlineAgent('bench-sim-host');
      let seq = 0;
      const simSample = async (template: string, deployTarget: boolean, measureIdle = false) => {
        const started = performance.now();
        const res = await stack.api(`/api/v1/templates/${template}/apply`, {
          body: { simulation_name: `bench-${seq++}`, auto_start: true, deploy_target: deployTarget },
        });
        if (res.status !== 201)
          throw new Error(`apply ${template}: ${res.status} ${JSON.stringify(res.body)}`);
        try {
          if (res.body.status !== 'running') {
            throw new Error(
              `apply ${template} answered ${res.body.status}: ${JSON.stringify(res.body.nodes)}`,
            );
          }
          const nodes = res.body.nodes as { name: string; ssh_port: number }[];
          const containers = (
            await docker.listContainers({ filters: { label: [`kombify.simulation=${res.body.id}`] } })
          ).map((c) => c.Names[0]!.slice(1));
          await Promise.all([...nodes.map((n) => sshAnswers(n.ssh_port)), ...containers.map(engineAnswers)]);
          const ms = performance.now() - started;
          if (measureIdle) {
            await new Promise((r) => setTimeout(r, IDLE_WAIT_MS));
            for (const c of containers) idle.node.push(await memoryMb(docker, c));
          }
          return ms;
        } finally {
          // Untimed; also after a failure, so nothing is left running.
          const del = await stack.api(`/api/v1/simulations/${res.body.id}`, { method: 'DELETE' });
          if (del.status !== 200 || del.body.status !== 'deleted') {
            progress(`delete ${res.body.id}: ${del.status} ${JSON.stringify(del.body)}`);
          }
        }
      };
      for (const c of cases) {
        const sims: number[] = [];
        const floors: number[] = [];
        for (let i = 0; i < WARMUP + SAMPLES; i++) {
          // Interleaved, so both see the same machine load.
          const last = i === WARMUP + SAMPLES - 1 && c.deployTarget;
          const s = await simSample(c.template, c.deployTarget, last);
          const f = await floorSample(
            c.nodes,
            `${c.template}-${i}`,
            last
              ? async (names) => {
                  await new Promise((r) => setTimeout(r, IDLE_WAIT_MS));
                  for (const n of names) idle.bare.push(await memoryMb(docker, n));
                }
              : undefined,
          );
          if (i >= WARMUP) {
            sims.push(s);
            floors.push(f);
          }
        }
        const value = round(percentile(sims, 50), 0);
        const baseline = round(percentile(floors, 50), 0);
        progress(
          `${c.template}${c.deployTarget ? ' deploy_target' : ''}: apply→SSH+engine p50 ${value} ms, docker run→engine p50 ${baseline} ms`,
        );
        out.push({
          case: `${c.template} (${c.nodes} node${c.nodes > 1 ? 's' : ''}${c.deployTarget ? ', deploy_target' : ''})`,
          metric: 'apply_to_ssh_and_engine_p50_ms',
          value,
          baseline_metric: 'docker_run_to_engine_p50_ms',
          baseline,
          ratio: round(value / baseline, 2),
          // ≤ 1.3× the floor; ha-setup also under 15 s.
          target:
            c.template === 'ha-setup'
              ? Math.min(round(RATIO_TARGET * baseline, 0), HA_TARGET_MS)
              : round(RATIO_TARGET * baseline, 0),
          samples: SAMPLES,
        });
      }
      const nodeMb = round(percentile(idle.node, 50), 1);
      const bareMb = round(percentile(idle.bare, 50), 1);
      progress(`idle node ${nodeMb} MiB (engine + agent + sshd), idle bare engine ${bareMb} MiB`);
      out.push({
        case: `idle node, ${IDLE_WAIT_MS / 1000} s after ready (ha-setup deploy_target: engine + agent + sshd)`,
        metric: 'idle_node_memory_mb',
        value: nodeMb,
        baseline_metric: 'idle_bare_engine_memory_mb',
        baseline: bareMb,
        ratio: round(nodeMb / bareMb, 2),
        target: null,
        samples: idle.node.length,
      });
    } finally {
      await stack.stop();
    }
    return {
      notes: `real Docker engine (${(await run('docker', ['info', '--format', '{{.Driver}}'])).stdout.trim()} storage), image ${SIM_IMAGE}, each node its own dockerd (overlay2 on a per-node volume); readiness = SSH banner on the published port and \`docker version\` answering inside every node; floor = docker run of as many bare engine containers (same image and recipe, only dockerd) until each answers; ${SAMPLES} samples per case after ${WARMUP} warm-up, interleaved with the floor; target = ${RATIO_TARGET} × floor (ha-setup: also ≤ ${HA_TARGET_MS} ms); memory = container cgroup usage minus inactive page cache; other sessions share this 2-CPU machine`,
      cases: out,
    };
  },
};
