/**
 * KombiSim nodes are machines with their own Docker engine (issue 15): a real edge, a real host
 * agent, the host's real engine running the nodes, each node's own dockerd, the host's registry
 * mirror (Debian's docker-registry), and real SSH into the nodes. Only this run's simulations are
 * touched.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRY_CONTAINER } from '../../agent/src/sim/registry.ts';
import { requireDocker, TEST_IMAGE } from '../harness/docker.ts';
import {
  containersOfSimulation,
  nodePassword,
  removeSimulations,
  ssh2Exec,
  startSimStack,
} from '../harness/sim.ts';
import { poll, type Stack } from '../harness/stack.ts';

const run = promisify(execFile);
// Own node image tag and SSH ports (other suites use kombify/sim-node:test and 2222…).
const SIM_IMAGE = 'kombify/sim-node:sim-engines';
const SSH_FIRST = 2360;
const tag = `se${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;

let docker: Docker;
let stack: Stack;
let sim: any;
const sims = new Set<string>();
const passwords = new Map<string, string>();
const workers = new Map<string, any>();

const node = (name: string) => sim.nodes.find((n: any) => n.name === name);
const inNode = (name: string, command: string) =>
  ssh2Exec({ port: node(name).ssh_port, password: passwords.get(name)! }, command);

/** The mirror's log since a moment (its access log on stdout, its request log on stderr). */
async function registryLog(since: number): Promise<string> {
  const { stdout, stderr } = await run(
    'docker',
    ['logs', '--since', String(Math.floor(since / 1000) - 1), REGISTRY_CONTAINER],
    { maxBuffer: 64 << 20 },
  );
  return stdout + stderr;
}

async function dockerRun(worker: string, params: Record<string, unknown>) {
  const job = await stack.api('/v1/orchestrator/jobs', {
    body: { worker_id: workers.get(worker).id, type: 'docker.run', params },
  });
  expect(job.status, JSON.stringify(job.body)).toBe(201);
  return stack.waitForJob(job.body.data.id, ['succeeded', 'failed'], 90_000);
}

beforeAll(async () => {
  docker = await requireDocker();
  stack = await startSimStack({ host: `${tag}-host`, image: SIM_IMAGE, sshFirst: SSH_FIRST, sshPorts: 4 });
  const res = await stack.api('/api/v1/templates/homelab-basic/apply', {
    body: { simulation_name: tag, deploy_target: true },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  sim = res.body;
  sims.add(sim.id);
  for (const n of sim.nodes) passwords.set(n.name, await nodePassword(stack, n.id));
  const online = await poll(
    async () => {
      const list = (await stack.api('/v1/orchestrator/workers?per_page=100')).body.data as any[];
      const mine = list.filter((w) => w.simulation_id === sim.id && w.status === 'online');
      return mine.length === 2 ? mine : null;
    },
    90_000,
    'both nodes’ workers online',
  );
  for (const w of online) workers.set(w.facts.hostname, w);
}, 300_000);

afterAll(async () => {
  await stack?.stop();
  if (docker) await removeSimulations(docker, sims);
});

describe('one Docker engine per node', () => {
  it('two nodes report different engine IDs, and neither is the host’s', async () => {
    const host = ((await docker.info()) as { ID: string }).ID;
    const ids = await Promise.all(
      ['web-server', 'database'].map(async (n) =>
        (await inNode(n, "docker info --format '{{.ID}}'")).stdout.trim(),
      ),
    );
    expect(ids[0]).toMatch(/^[A-Z0-9]{4}(:[A-Z0-9]{4}){11}$/);
    expect(ids[1]).toMatch(/^[A-Z0-9]{4}(:[A-Z0-9]{4}){11}$/);
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids).not.toContain(host);
    // No node has the host's socket.
    for (const c of await containersOfSimulation(docker, sim.id)) {
      const info = await docker.getContainer(c.Id).inspect();
      expect(info.HostConfig.Binds ?? []).not.toContainEqual(expect.stringContaining('docker.sock'));
      expect(info.HostConfig.Privileged).toBe(false);
    }
  });

  it('a container deployed to one node (its agent, from the mirror) is only in that node', async () => {
    const before = Date.now();
    const done = await dockerRun('web-server', {
      image: TEST_IMAGE,
      name: 'site',
      command: ['httpd', '-f', '-p', '8080', '-h', '/www'],
      ports: [{ container: 8080, host: 8080 }],
    });
    expect(done.status, JSON.stringify(done)).toBe('succeeded');
    expect(done.result.name).toBe('site');
    // The node's engine pulled it through the mirror: the mirror's log has the manifest request.
    const pulled = await registryLog(before);
    expect(pulled).toMatch(/"HEAD \/v2\/kombify\/busybox\/manifests\/test HTTP/);
    expect(pulled).toMatch(/host="kombisim-registry:5000".*method=GET.*uri="\/v2\/kombify\/busybox\/blobs\//);

    const inWeb = await inNode('web-server', "docker ps --format '{{.Names}}'");
    expect(inWeb.stdout.split('\n')).toContain('site');
    const inDb = await inNode('database', "docker ps -a --format '{{.Names}}'");
    expect(inDb.stdout.trim()).toBe('');
    const onHost = await docker.listContainers({ all: true });
    expect(onHost.flatMap((c) => c.Names)).not.toContain('/site');
    expect(onHost.filter((c) => c.Image === TEST_IMAGE && c.Names.some((n) => n.includes('site')))).toEqual(
      [],
    );
    // Published by the node's own engine on the node's address: another node reaches it by name.
    const page = await inNode('database', 'curl -s http://web-server:8080/');
    expect(page.stdout).toContain('kombify test page');
    const local = await inNode('web-server', 'curl -s -o /dev/null -w "%{http_code}" http://127.0.0.1:8080/');
    expect(local.stdout).toBe('200');
  });

  it('an image the mirror lacks fails image_not_found, naming it and how to add it', async () => {
    const before = Date.now();
    const done = await dockerRun('database', { image: `kombify/not-in-mirror:${tag}`, name: 'nothing' });
    expect(done.status).toBe('failed');
    expect(done.error.code).toBe('image_not_found');
    expect(done.error.message).toContain(`kombify/not-in-mirror:${tag}`);
    expect(done.error.message).toContain(`npm run sim:push -- kombify/not-in-mirror:${tag}`);
    // The node's engine asked the mirror, which had nothing (404), and there is nothing behind it.
    expect(await registryLog(before)).toMatch(
      new RegExp(`"(GET|HEAD) /v2/kombify/not-in-mirror/manifests/${tag} HTTP/1.1" 404`),
    );
  });

  it('stop and start keep the engine’s containers, volumes and data', async () => {
    const made = await inNode(
      'database',
      `docker pull -q ${TEST_IMAGE} >/dev/null && docker volume create keep >/dev/null && ` +
        `docker run -d --name keeper --restart unless-stopped -v keep:/data ${TEST_IMAGE} ` +
        `sh -c 'echo kept > /data/x; exec sleep 100000' >/dev/null && echo ok`,
    );
    expect(made.stdout.trim()).toBe('ok');
    const stopped = await stack.api(`/api/v1/simulations/${sim.id}/stop`, { method: 'POST' });
    expect(stopped.body.status, JSON.stringify(stopped.body)).toBe('stopped');
    const started = await stack.api(`/api/v1/simulations/${sim.id}/start`, { method: 'POST' });
    expect(started.body.status, JSON.stringify(started.body)).toBe('running');
    const after = await inNode(
      'database',
      `for i in $(seq 1 50); do docker ps --format '{{.Names}}' | grep -qx keeper && break; sleep 0.2; done; ` +
        `docker ps --format '{{.Names}}'; docker volume ls -q; docker exec keeper cat /data/x; docker images -q | wc -l`,
    );
    const lines = after.stdout.trim().split('\n');
    expect(lines).toContain('keeper');
    expect(lines).toContain('keep');
    expect(lines).toContain('kept');
    // The image is still there: nothing is pulled again.
    expect(Number(lines.at(-1))).toBeGreaterThan(0);
    // The other node's container (no restart policy) is kept, stopped, as a reboot leaves it.
    const web = await inNode('web-server', "docker ps -a --format '{{.Names}} {{.State}}'");
    expect(web.stdout.trim()).toMatch(/^site (exited|running)$/);
  });

  it('refuses bad fault input with the field path, and nothing changes', async () => {
    const db = node('database');
    const bad = async (body: unknown) => {
      const res = await stack.api(`/api/v1/nodes/${db.id}/faults`, { body });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      return res.body.error.details.map((d: any) => d.path);
    };
    expect(await bad({ kind: 'meteor' })).toEqual(['kind']);
    expect(await bad({ kind: 'partition', from: ['web-server', 'nope'] })).toEqual(['from[1]']);
    expect(await bad({ kind: 'pause', duration_s: 0 })).toEqual(['duration_s']);
    expect((await stack.api(`/api/v1/nodes/${db.id}/events`)).body.data).toEqual([]);
    expect((await inNode('database', 'hostname')).stdout.trim()).toBe('database');
  });

  it('a partition cuts the node off from the others (TCP from inside) until healed', async () => {
    const web = node('web-server');
    const reach = async (from: string, to: string) =>
      (
        await inNode(from, `timeout 2 bash -c '</dev/tcp/${to}/22' 2>/dev/null && echo open || echo cut`)
      ).stdout.trim();
    expect(await reach('web-server', 'database')).toBe('open');
    const res = await stack.api(`/api/v1/nodes/${web.id}/faults`, {
      body: { kind: 'partition', from: ['database'], latency_ms: 50 },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await reach('web-server', 'database')).toBe('cut');
    expect(await reach('database', 'web-server')).toBe('cut');
    const events = (await stack.api(`/api/v1/nodes/${web.id}/events`)).body.data;
    expect(events.map((e: any) => e.kind).sort()).toEqual(['fault.partition', 'fault.unsupported']);
    expect(events.find((e: any) => e.kind === 'fault.unsupported').message).toMatch(/no sch_netem/);
    const healed = await stack.api(`/api/v1/nodes/${web.id}/faults`, { method: 'DELETE' });
    expect(healed.status, JSON.stringify(healed.body)).toBe(200);
    expect(await reach('web-server', 'database')).toBe('open');
    // With a duration the host agent heals by itself.
    await stack.api(`/api/v1/nodes/${web.id}/faults`, { body: { kind: 'partition', duration_s: 2 } });
    expect(await reach('web-server', 'database')).toBe('cut');
    await new Promise((r) => setTimeout(r, 2500));
    expect(await reach('web-server', 'database')).toBe('open');
  });

  it('a kill stops the node and its agent; start brings node, engine and agent back', async () => {
    const db = node('database');
    const worker = workers.get('database');
    const killed = await stack.api(`/api/v1/nodes/${db.id}/faults`, { body: { kind: 'kill' } });
    expect(killed.status, JSON.stringify(killed.body)).toBe(200);
    expect(killed.body.node.status).toBe('stopped');
    expect((await stack.api(`/api/v1/nodes/${db.id}`)).body.status).toBe('stopped');
    const [container] = (await containersOfSimulation(docker, sim.id)).filter((c) =>
      c.Names[0]!.endsWith('-database'),
    );
    expect(container!.State).toBe('exited');
    const t0 = Date.now();
    // Within the heartbeat window (120 s here: max(4 × AGENT_HEARTBEAT_SECONDS, 120)).
    await stack.waitForWorker(worker.id, 'offline', 130_000);
    process.stdout.write(`[faults] the killed node's worker was offline after ${Date.now() - t0} ms\n`);
    // A stopped node takes no faults.
    const again = await stack.api(`/api/v1/nodes/${db.id}/faults`, { body: { kind: 'pause' } });
    expect(again.status).toBe(400);
    expect(again.body.error.details[0]).toMatchObject({ path: 'id', code: 'node_not_running' });
    const started = await stack.api(`/api/v1/nodes/${db.id}/start`, { method: 'POST' });
    expect(started.body.status, JSON.stringify(started.body)).toBe('running');
    expect((await inNode('database', 'docker info --format {{.ID}}')).stdout.trim()).toMatch(/^[A-Z0-9]{4}:/);
    await stack.waitForWorker(worker.id, 'online', 60_000);
    expect((await stack.api(`/api/v1/nodes/${db.id}/events`)).body.data[0].kind).toBe('fault.kill');
  }, 240_000);

  it('deleting the simulation removes the nodes, their engines’ disks and its network', async () => {
    const res = await stack.api(`/api/v1/simulations/${sim.id}`, { method: 'DELETE' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('deleted');
    const filters = { label: [`kombify.simulation=${sim.id}`] };
    expect(await containersOfSimulation(docker, sim.id)).toEqual([]);
    expect((await docker.listVolumes({ filters })).Volumes ?? []).toEqual([]);
    expect(await docker.listNetworks({ filters })).toEqual([]);
    // The mirror stays for the next simulation.
    expect((await docker.getContainer(REGISTRY_CONTAINER).inspect()).State.Running).toBe(true);
  });
});
