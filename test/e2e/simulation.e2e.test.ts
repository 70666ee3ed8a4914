/**
 * KombiSim end to end: a real edge, a real host agent, the real Docker engine, and real SSH
 * clients (ssh2 and OpenSSH's `ssh`) logging into the simulated nodes.
 */
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../harness/docker.ts';
import {
  containersOfSimulation,
  makeKeyPair,
  opensshWithKey,
  opensshWithPassword,
  removeSimulations,
  requireSimImage,
  SIM_IMAGE,
  ssh2Exec,
} from '../harness/sim.ts';
import { type Stack, startStack } from '../harness/stack.ts';

let docker: Docker;
let stack: Stack;
const made = new Set<string>();

async function apply(s: Stack, template: string, body: Record<string, unknown>) {
  const res = await s.api(`/api/v1/templates/${template}/apply`, { body });
  if (res.body?.id) made.add(res.body.id);
  return res;
}

async function remove(s: Stack, id: string) {
  const res = await s.api(`/api/v1/simulations/${id}`, { method: 'DELETE' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.status).toBe('deleted');
  expect(await containersOfSimulation(docker, id)).toEqual([]);
}

beforeAll(async () => {
  docker = await requireDocker();
  await requireSimImage();
  stack = await startStack({
    postgresUrl: process.env.KOMBIFY_TEST_POSTGRES_URL,
    vars: { SIM_NODE_IMAGE: SIM_IMAGE },
  });
  await stack.onlineAgent('sim-host');
});

afterAll(async () => {
  await stack?.stop();
  if (docker) await removeSimulations(docker, made);
});

describe('homelab-basic with auto_start', () => {
  let key: { privatePath: string; publicKey: string };
  let sim: any;

  beforeAll(async () => {
    key = await makeKeyPair();
    const res = await apply(stack, 'homelab-basic', {
      simulation_name: 'test-lab',
      auto_start: true,
      ssh_public_keys: [key.publicKey],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    sim = res.body;
  });

  it('answers with two running nodes on consecutive ports from 2222', () => {
    expect(sim).toMatchObject({ name: 'test-lab', status: 'running', template: 'homelab-basic' });
    expect(sim.nodes.map((n: any) => [n.name, n.status, n.ssh_port, n.type])).toEqual([
      ['web-server', 'running', 2222, 'local'],
      ['database', 'running', 2223, 'local'],
    ]);
    expect(sim.nodes[0].ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(sim.nodes[0].resources).toEqual({ cpu: 1, memory: '512Mi', disk: '10Gi' });
  });

  it('gives SSH details with a ready command', async () => {
    const res = await stack.api(`/api/v1/nodes/${sim.nodes[0].id}/ssh`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      host: '127.0.0.1',
      port: 2222,
      user: 'root',
      password: 'kombisim',
      command: 'ssh -p 2222 root@127.0.0.1',
    });
  });

  it('lets the ssh2 client log in with the password', async () => {
    const out = await ssh2Exec({ port: 2222, password: 'kombisim' }, 'hostname; cat /etc/os-release');
    expect(out.code).toBe(0);
    expect(out.stdout.split('\n')[0]).toBe('web-server');
    expect(out.stdout).toContain('Debian GNU/Linux 12 (bookworm)');
    const db = await ssh2Exec({ port: 2223, password: 'kombisim' }, 'hostname');
    expect(db.stdout.trim()).toBe('database');
  });

  it("lets OpenSSH's ssh log in with the password and with the user's key", async () => {
    const withPassword = await opensshWithPassword(2223, 'kombisim', 'hostname; cat /etc/os-release');
    expect(withPassword.split('\n')[0]).toBe('database');
    expect(withPassword).toContain('ID=debian');
    const withKey = await opensshWithKey(2222, key.privatePath, 'hostname; cat /etc/os-release');
    expect(withKey.split('\n')[0]).toBe('web-server');
    expect(withKey).toContain('VERSION_ID="12"');
  });

  it('refuses a wrong password', async () => {
    await expect(ssh2Exec({ port: 2222, password: 'wrong' }, 'true')).rejects.toThrow(/authentication/i);
  });

  it('nodes see each other by name on the simulation network', async () => {
    const out = await ssh2Exec({ port: 2222, password: 'kombisim' }, 'getent hosts database');
    expect(out.stdout).toContain(sim.nodes[1].ip);
  });

  it('starting a running simulation is ALREADY_RUNNING', async () => {
    const res = await stack.api(`/api/v1/simulations/${sim.id}/start`, { method: 'POST' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ALREADY_RUNNING');
  });

  it('stop and start keep a file written before', async () => {
    await ssh2Exec({ port: 2222, password: 'kombisim' }, 'echo kept-across-restarts > /root/marker');
    const stopped = await stack.api(`/api/v1/simulations/${sim.id}/stop`, { method: 'POST' });
    expect(stopped.status, JSON.stringify(stopped.body)).toBe(200);
    expect(stopped.body.status).toBe('stopped');
    expect(stopped.body.nodes.map((n: any) => n.status)).toEqual(['stopped', 'stopped']);
    const states = (await containersOfSimulation(docker, sim.id)).map((c) => c.State);
    expect(states).toEqual(['exited', 'exited']);
    await expect(ssh2Exec({ port: 2222, password: 'kombisim' }, 'true')).rejects.toThrow();

    const started = await stack.api(`/api/v1/simulations/${sim.id}/start`, { method: 'POST' });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.status).toBe('running');
    const out = await ssh2Exec({ port: 2222, password: 'kombisim' }, 'cat /root/marker');
    expect(out.stdout.trim()).toBe('kept-across-restarts');
  });

  it('lists the simulation and its nodes, and shows the node log', async () => {
    const list = await stack.api('/api/v1/simulations');
    expect(list.body.data.map((s: any) => s.id)).toContain(sim.id);
    const nodes = await stack.api(`/api/v1/simulations/${sim.id}/nodes`);
    expect(nodes.body.data.map((n: any) => n.name)).toEqual(['web-server', 'database']);
    const gateway = await stack.api(`/v1/simulation/simulations/${sim.id}`);
    expect(gateway.status).toBe(200);
    expect(gateway.body.id).toBe(sim.id);
    const logs = await stack.api(`/api/v1/nodes/${sim.nodes[0].id}/logs`);
    expect(logs.status).toBe(200);
    expect(logs.body.lines.join('\n')).toContain('Server listening');
  });

  it("another org's simulation and nodes are not found", async () => {
    const other = await stack.newTenant('sim-other');
    for (const [path, method, code] of [
      [`/api/v1/simulations/${sim.id}`, 'GET', 'SIMULATION_NOT_FOUND'],
      [`/api/v1/simulations/${sim.id}`, 'DELETE', 'SIMULATION_NOT_FOUND'],
      [`/api/v1/simulations/${sim.id}/stop`, 'POST', 'SIMULATION_NOT_FOUND'],
      [`/v1/simulation/simulations/${sim.id}/nodes`, 'GET', 'SIMULATION_NOT_FOUND'],
      [`/api/v1/nodes/${sim.nodes[0].id}`, 'GET', 'NODE_NOT_FOUND'],
      [`/api/v1/nodes/${sim.nodes[0].id}/ssh`, 'GET', 'NODE_NOT_FOUND'],
    ] as const) {
      const res = await stack.api(path, { method, token: other.token });
      expect(res.status, path).toBe(404);
      expect(res.body.error.code, path).toBe(code);
    }
    const list = await stack.api('/api/v1/simulations', { token: other.token });
    expect(list.body.data).toEqual([]);
  });

  it('delete frees the containers and the ports for the next simulation', async () => {
    await remove(stack, sim.id);
    expect((await stack.api(`/api/v1/simulations/${sim.id}`)).status).toBe(404);
    const next = await apply(stack, 'single-node', { simulation_name: 'after-delete', auto_start: true });
    expect(next.status, JSON.stringify(next.body)).toBe(201);
    expect(next.body.nodes[0]).toMatchObject({ name: 'server', ssh_port: 2222, status: 'running' });
    await remove(stack, next.body.id);
  });
});

describe('templates', () => {
  it('lists the six with node counts and categories', async () => {
    const res = await stack.api('/api/v1/templates');
    expect(res.status).toBe(200);
    expect(res.body.data.map((t: any) => [t.name, t.category, t.node_count])).toEqual([
      ['single-node', 'development', 1],
      ['homelab-basic', 'homelab', 2],
      ['homelab-advanced', 'homelab', 5],
      ['hybrid-setup', 'homelab', 5],
      ['dev-environment', 'development', 2],
      ['ha-setup', 'homelab', 5],
    ]);
    const one = await stack.api('/v1/simulation/templates/hybrid-setup');
    expect(one.body.nodes.map((n: any) => `${n.name}:${n.type}`)).toEqual([
      'vps-web:vps',
      'vps-api:vps',
      'local-db:local',
      'local-storage:local',
      'local-backup:local',
    ]);
  });

  it('an unknown template is TEMPLATE_NOT_FOUND, and nothing is created', async () => {
    for (const path of ['/api/v1/templates/no-such', '/api/v1/templates/no-such/apply']) {
      const res = await stack.api(path, path.endsWith('apply') ? { body: { simulation_name: 'x' } } : {});
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('TEMPLATE_NOT_FOUND');
    }
  });

  it('rejects bad input with field paths', async () => {
    const res = await stack.api('/api/v1/templates/single-node/apply', {
      body: { simulation_name: 'Not A Label', auto_start: 'yes', ssh_public_keys: ['nope'] },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: any) => d.path).sort()).toEqual([
      'auto_start',
      'simulation_name',
      'ssh_public_keys[0]',
    ]);
  });

  it('every template applies and all its nodes answer SSH (hybrid-setup: 2 vps + 3 local)', async () => {
    const list = (await stack.api('/api/v1/templates')).body.data as { name: string }[];
    for (const { name } of list) {
      const res = await apply(stack, name, { simulation_name: `all-${name}`, auto_start: true });
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(201);
      expect(res.body.status, name).toBe('running');
      for (const node of res.body.nodes) {
        const out = await ssh2Exec({ port: node.ssh_port, password: 'kombisim' }, 'hostname');
        expect(out.stdout.trim(), `${name}/${node.name}`).toBe(node.name);
      }
      if (name === 'hybrid-setup') {
        expect(res.body.nodes.map((n: any) => n.type)).toEqual(['vps', 'vps', 'local', 'local', 'local']);
        expect(res.body.nodes[0].network.latency_ms).toBe(20);
        expect(res.body.nodes[0].resources.memory).toBe('1Gi');
      }
      await remove(stack, res.body.id);
    }
  });
});

describe('limits', () => {
  it('a node past the SSH port pool is RESOURCE_LIMIT, with nothing half-written', async () => {
    const small = await startStack({
      postgresUrl: process.env.KOMBIFY_TEST_POSTGRES_URL,
      vars: { SIM_NODE_IMAGE: SIM_IMAGE, SIM_SSH_PORT_FIRST: '2310', SIM_SSH_PORTS: '3' },
    });
    try {
      await small.onlineAgent('sim-small-host');
      const first = await apply(small, 'homelab-basic', { simulation_name: 'fills', auto_start: false });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(first.body.nodes.map((n: any) => [n.ssh_port, n.status])).toEqual([
        [2310, 'stopped'],
        [2311, 'stopped'],
      ]);
      const over = await apply(small, 'homelab-basic', { simulation_name: 'too-many', auto_start: false });
      expect(over.status).toBe(507);
      expect(over.body.error.code).toBe('RESOURCE_LIMIT');
      expect(over.body.error.message).toMatch(/no free SSH port/);
      const names = (await small.api('/api/v1/simulations')).body.data.map((s: any) => s.name);
      expect(names).toEqual(['fills']);
      // One port is still free: a single node fits.
      const fits = await apply(small, 'single-node', { simulation_name: 'fits', auto_start: false });
      expect(fits.status, JSON.stringify(fits.body)).toBe(201);
      expect(fits.body.nodes[0].ssh_port).toBe(2312);
      await remove(small, first.body.id);
      await remove(small, fits.body.id);
    } finally {
      await small.stop();
    }
  });

  it("the free plan's simulations a month are RESOURCE_LIMIT past 3", async () => {
    const { orgId, token } = await stack.newTenant('sim-free');
    expect(orgId).toMatch(/^org_/);
    // No worker in that org: the plan check comes after the host check, so enroll one there.
    const res = await stack.api('/api/v1/templates/single-node/apply', {
      body: { simulation_name: 'free-1' },
      token,
    });
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(/no online worker/);
  });
});
