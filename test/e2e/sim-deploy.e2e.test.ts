/**
 * A simulation as a deploy target, end to end: a real edge, a real host agent, a `single-node`
 * simulation whose node runs its own agent (a simulated worker) on its own Docker engine, and
 * base-homelab `minimal` (local busybox images, test/harness/homelab.ts, pulled by the node's
 * engine from the host's registry mirror) deployed onto that node through the normal workflow —
 * pre-checks, plan, apply, verify — then destroyed, deployed again, and taken away with the
 * simulation. What the stack made is looked for in the node's engine (over real SSH) and must not
 * be on the host's. Only this run's simulation and stack ids are touched.
 */
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeStackResources, requireDocker, TEST_IMAGE } from '../harness/docker.ts';
import { type Homelab, homelab } from '../harness/homelab.ts';
import {
  containersOfSimulation,
  nodePassword,
  removeSimulations,
  ssh2Exec,
  startSimStack,
} from '../harness/sim.ts';
import { poll, type Stack } from '../harness/stack.ts';

// Own node image tag and SSH ports: other suites build `kombify/sim-node:test` and use 2222… at the
// same time on this engine.
const SIM_IMAGE = 'kombify/sim-node:sim-deploy';
const SSH_FIRST = 2300;
const run = `sd${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;

let docker: Docker;
let stack: Stack;
let sim: any;
let node: any;
let worker: any;
let lab: Homelab;
let stackId: string;
let password: string;
const sims = new Set<string>();

const bySim = (id: string) => ({ filters: { label: [`kombify.simulation=${id}`] } });
const byStack = (id: string) => ({ filters: { label: [`kombify.stack=${id}`] } });

async function everything(label: { filters: { label: string[] } }) {
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, ...label }),
    docker.listNetworks(label),
    docker.listVolumes(label),
  ]);
  return { containers: containers.length, networks: networks.length, volumes: volumes.Volumes?.length ?? 0 };
}

async function runTo(path: string, body: unknown) {
  const started = await stack.api(path, { body });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return poll(
    async () => {
      const wf = (await stack.api(`/v1/orchestrator/workflows/${started.body.data.id}`)).body.data;
      return ['succeeded', 'failed'].includes(wf?.status) ? wf : null;
    },
    120_000,
    `${path} to finish`,
  );
}

const step = (wf: any, name: string) => wf.steps.find((s: any) => s.name === name);
const inNode = (command: string) => ssh2Exec({ port: node.ssh_port, password }, command);

/** What the node's own engine has of a stack: containers (name state), networks, volumes. */
async function inNodeEngine(id: string) {
  const f = `--filter label=kombify.stack=${id}`;
  const out = await inNode(
    `docker ps -a ${f} --format 'c {{.Names}} {{.State}} {{.Label "kombify.service"}} {{.Ports}}'; ` +
      `docker network ls ${f} --format 'n {{.Name}}'; docker volume ls ${f} --format 'v {{.Name}}'`,
  );
  const lines = out.stdout.split('\n').filter(Boolean);
  const containers = lines.filter((l) => l.startsWith('c ')).map((l) => l.slice(2).split(' '));
  return {
    containers,
    counts: {
      containers: containers.length,
      networks: lines.filter((l) => l.startsWith('n ')).length,
      volumes: lines.filter((l) => l.startsWith('v ')).length,
    },
  };
}

beforeAll(async () => {
  docker = await requireDocker();
  stack = await startSimStack({ host: `${run}-host`, image: SIM_IMAGE, sshFirst: SSH_FIRST, sshPorts: 4 });
  const res = await stack.api('/api/v1/templates/single-node/apply', {
    body: { simulation_name: run, deploy_target: true },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  sim = res.body;
  sims.add(sim.id);
  node = sim.nodes[0];
  password = await nodePassword(stack, node.id);
  worker = await poll(
    async () =>
      ((await stack.api('/v1/orchestrator/workers?per_page=100')).body.data as any[]).find(
        (w) => w.simulation_id === sim.id && w.status === 'online',
      ),
    60_000,
    'the node’s worker online',
  );
  lab = await homelab({ name: `${run}-lab`, variant: 'minimal', image: TEST_IMAGE });
}, 240_000);

afterAll(async () => {
  if (stackId) await removeStackResources(docker, stackId);
  await stack?.stop();
  if (docker) await removeSimulations(docker, sims);
});

describe('a simulation as deploy target', () => {
  it('enrolls the node’s agent as a simulated worker, approved for stacks by its simulation', () => {
    expect(node.name).toBe('server');
    expect(worker).toMatchObject({ simulated: true, simulation_id: sim.id, approved: true });
    expect(worker.facts.hostname).toBe('server');
  });

  it('binds only a simulation node of the caller’s own org', async () => {
    const other = await stack.newTenant(`${run}-other`);
    const foreign = await stack.api('/v1/orchestrator/stacks', {
      token: other.token,
      body: {
        yaml: lab.spec,
        options: { images: lab.images },
        bindings: { local: { simulation: sim.id, node: 'server' } },
      },
    });
    expect(foreign.status, JSON.stringify(foreign.body)).toBe(400);
    expect(foreign.body.error.details[0]).toMatchObject({
      path: 'bindings.local.simulation',
      code: 'invalid_reference',
    });
    const noNode = await stack.api('/v1/orchestrator/stacks', {
      body: {
        yaml: lab.spec,
        options: { images: lab.images },
        bindings: { local: { simulation: sim.id, node: 'nope' } },
      },
    });
    expect(noNode.status).toBe(400);
    expect(noNode.body.error.details[0].path).toBe('bindings.local.node');
  });

  it('deploys base-homelab minimal into the node through the workflow', async () => {
    const created = await stack.api('/v1/orchestrator/stacks', {
      body: {
        yaml: lab.spec,
        options: { images: lab.images },
        bindings: { local: { simulation: sim.id, node: 'server' } },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    stackId = created.body.data.id;
    const nodes = (await stack.api('/v1/orchestrator/nodes')).body.data as any[];
    expect(nodes.find((n) => n.stack_id === stackId)).toMatchObject({
      name: 'local',
      worker_id: worker.id,
      binding: { simulation: sim.id, node: 'server' },
      status: 'online',
    });

    const wf = await runTo(`/v1/orchestrator/stacks/${stackId}/provision`, { auto_approve: true });
    expect(wf.status, JSON.stringify(wf.error ?? wf.steps)).toBe('succeeded');
    for (const name of ['prechecks', 'plan', 'apply', 'verify'])
      expect(step(wf, name).status).toBe('succeeded');
    expect(wf.jobs.every((j: any) => j.worker_id === worker.id || j.agent_id === worker.id)).toBe(true);
    const portCheck = step(wf, 'prechecks').detail.nodes[0].checks.filter(
      (c: any) => c.name === 'port_available',
    );
    expect(portCheck.length).toBeGreaterThan(0);

    // In the node's own engine, under the stack's own names; nothing of it on the host's engine.
    const { containers } = await inNodeEngine(stackId);
    expect(containers.map((c) => c[2]).sort()).toEqual([
      'dockge',
      'dozzle',
      'netdata',
      'portainer',
      'traefik',
    ]);
    for (const [name, state] of containers) {
      expect(name).toMatch(new RegExp(`^${run}-lab-`));
      expect(state).toBe('running');
    }
    expect(await everything(byStack(stackId))).toEqual({ containers: 0, networks: 0, volumes: 0 });
    const dozzle = lab.hostPorts.get('dozzle:8080')!;
    const traefik = lab.hostPorts.get('traefik:8080')!;
    const out = await inNode(
      `curl -s -o /dev/null -w '%{http_code}\\n' http://127.0.0.1:${dozzle}/; curl -s -o /dev/null -w '%{http_code}\\n' http://${node.name}:${traefik}/`,
    );
    expect(out.stdout.trim().split('\n')).toEqual(['200', '200']);
    await expect(
      fetch(`http://127.0.0.1:${dozzle}/`, { signal: AbortSignal.timeout(2000) }),
    ).rejects.toThrow();

    // A second deploy of the same spec: pre-checks see the stack's own ports, nothing changes.
    const again = await runTo(`/v1/orchestrator/stacks/${stackId}/deploy`, { auto_approve: true });
    expect(again.status, JSON.stringify(again.error ?? again.steps)).toBe('succeeded');
    expect(step(again, 'plan').detail.nodes[0].changes).toMatchObject({ create: 0, update: 0, remove: 0 });
  });

  it('destroy leaves nothing, in the node or on the host', async () => {
    const wf = await runTo(`/v1/orchestrator/stacks/${stackId}/destroy`, { force: true, volumes: true });
    expect(wf.status, JSON.stringify(wf.error)).toBe('succeeded');
    expect((await inNodeEngine(stackId)).counts).toEqual({ containers: 0, networks: 0, volumes: 0 });
    const dozzle = lab.hostPorts.get('dozzle:8080')!;
    const out = await inNode(`curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:${dozzle}/ || true`);
    expect(out.stdout.trim()).toBe('000');
  });

  it('a stopped and started node runs its services again, on its own ports', async () => {
    const wf = await runTo(`/v1/orchestrator/stacks/${stackId}/deploy`, { auto_approve: true });
    expect(wf.status, JSON.stringify(wf.error ?? wf.steps)).toBe('succeeded');
    expect((await inNodeEngine(stackId)).counts.containers).toBe(5);
    const stopped = await stack.api(`/api/v1/simulations/${sim.id}/stop`, { method: 'POST' });
    expect(stopped.body.status, JSON.stringify(stopped.body)).toBe('stopped');
    const states = (await containersOfSimulation(docker, sim.id)).map((c) => c.State);
    expect(states).toEqual(['exited']);
    const started = await stack.api(`/api/v1/simulations/${sim.id}/start`, { method: 'POST' });
    expect(started.body.status, JSON.stringify(started.body)).toBe('running');
    // The node's engine starts the services again as it boots (their restart policy).
    const dozzle = lab.hostPorts.get('dozzle:8080')!;
    const out = await inNode(
      `for i in $(seq 1 40); do curl -sf -o /dev/null http://127.0.0.1:${dozzle}/ && echo up && exit 0; sleep 0.5; done; echo down`,
    );
    expect(out.stdout.trim()).toBe('up');
    const running = (await inNodeEngine(stackId)).containers.filter((c) => c[1] === 'running');
    expect(running.length).toBe(5);
  });

  it('deleting the simulation removes what was deployed onto it', async () => {
    const res = await stack.api(`/api/v1/simulations/${sim.id}`, { method: 'DELETE' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('deleted');
    expect(await containersOfSimulation(docker, sim.id)).toEqual([]);
    // The node's engine went with the node's disk (its volume).
    expect(await everything(bySim(sim.id))).toEqual({ containers: 0, networks: 0, volumes: 0 });
  });
});
