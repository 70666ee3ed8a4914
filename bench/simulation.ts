/**
 * KombiSim readiness: from `POST /api/v1/templates/{t}/apply` (auto_start) to every node answering
 * SSH (its banner on the published port, read from the host), for single-node, homelab-basic and
 * ha-setup. The floor, measured in the same run: `docker run` of the same number of plain
 * containers from the same image running the same sshd (host keys made the same way), to the same
 * banner. Targets: ≤ 2× the floor, and ha-setup ready in under 30 s.
 *
 * One real local stack (wrangler dev + PGlite), one real host agent, the real Docker engine; each
 * sample deletes its simulation (untimed) before the next.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { waitForSsh } from '../agent/src/sim/ssh-ready.ts';
import { requireDocker } from '../test/harness/docker.ts';
import { requireSimImage, SIM_IMAGE } from '../test/harness/sim.ts';
import { startStack } from '../test/harness/stack.ts';
import type { BenchCase, Benchmark } from './result.ts';
import { percentile, round } from './stats.ts';

const run = promisify(execFile);
const WARMUP = 1;
const SAMPLES = 5;
const HA_TARGET_MS = 30_000;
const FLOOR_PORT = 2300;
const cases = [
  { template: 'single-node', nodes: 1, deployTarget: false },
  { template: 'homelab-basic', nodes: 2, deployTarget: false },
  { template: 'ha-setup', nodes: 5, deployTarget: false },
  // The same with every node's agent starting and enrolling beside sshd: does it slow SSH down?
  { template: 'ha-setup', nodes: 5, deployTarget: true },
] as const;

const progress = (line: string) => process.stderr.write(`[simulation] ${line}\n`);

async function allAnswer(ports: number[]): Promise<void> {
  const ready = await Promise.all(ports.map((port) => waitForSsh('127.0.0.1', port, { timeoutMs: 60_000 })));
  if (!ready.every(Boolean)) throw new Error(`SSH did not answer on every port of ${ports.join(', ')}`);
}

/** The floor: plain `docker run` of n containers with sshd, until each answers SSH. */
async function floorSample(n: number, tag: string): Promise<number> {
  const names = Array.from({ length: n }, (_, i) => `kombify-bench-sim-floor-${process.pid}-${tag}-${i}`);
  const ports = names.map((_, i) => FLOOR_PORT + i);
  const init =
    'mkdir -p /run/sshd && for t in ed25519 ecdsa; do ssh-keygen -q -t $t -N "" -f /etc/ssh/ssh_host_"$t"_key; done && exec /usr/sbin/sshd -D -e';
  const started = performance.now();
  try {
    await Promise.all(
      names.map((name, i) =>
        run('docker', [
          'run',
          '-d',
          '--name',
          name,
          '-p',
          `127.0.0.1:${ports[i]}:22`,
          '--entrypoint',
          'sh',
          SIM_IMAGE,
          '-c',
          init,
        ]),
      ),
    );
    await allAnswer(ports);
    return performance.now() - started;
  } finally {
    await run('docker', ['rm', '-f', ...names]).catch(() => {});
  }
}

export const simulation: Benchmark = {
  name: 'simulation',
  description: 'template apply → every node answering SSH, against docker run of as many sshd containers',
  async run() {
    await requireDocker();
    await requireSimImage();
    progress('starting the stack (PGlite + wrangler dev) and a host agent…');
    const stack = await startStack({ vars: { SIM_NODE_IMAGE: SIM_IMAGE } });
    const out: BenchCase[] = [];
    try {
      await stack.onlineAgent('bench-sim-host');
      let seq = 0;
      const simSample = async (template: string, deployTarget: boolean): Promise<number> => {
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
          await allAnswer(res.body.nodes.map((n: { ssh_port: number }) => n.ssh_port));
          return performance.now() - started;
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
          const s = await simSample(c.template, c.deployTarget);
          const f = await floorSample(c.nodes, `${c.template}-${i}`);
          if (i >= WARMUP) {
            sims.push(s);
            floors.push(f);
          }
        }
        const value = round(percentile(sims, 50), 0);
        const baseline = round(percentile(floors, 50), 0);
        progress(
          `${c.template}${c.deployTarget ? ' deploy_target' : ''}: apply→SSH p50 ${value} ms, docker run→SSH p50 ${baseline} ms`,
        );
        out.push({
          case: `${c.template} (${c.nodes} node${c.nodes > 1 ? 's' : ''}${c.deployTarget ? ', deploy_target' : ''})`,
          metric: 'apply_to_ssh_p50_ms',
          value,
          baseline_metric: 'docker_run_to_ssh_p50_ms',
          baseline,
          ratio: round(value / baseline, 2),
          // ≤ 2× the floor; ha-setup also under 30 s.
          target: c.template === 'ha-setup' ? Math.min(2 * baseline, HA_TARGET_MS) : 2 * baseline,
          samples: SAMPLES,
        });
      }
    } finally {
      await stack.stop();
    }
    return {
      notes: `real Docker engine (${(await run('docker', ['info', '--format', '{{.Driver}}'])).stdout.trim()} storage), image ${SIM_IMAGE}; readiness = SSH banner on the published port; ${SAMPLES} samples per case after ${WARMUP} warm-up, interleaved with the floor; target = 2 × floor (ha-setup: also ≤ 30000 ms)`,
      cases: out,
    };
  },
};
