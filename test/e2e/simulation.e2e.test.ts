/**
 * KombiSim end to end: a real edge, a real host agent, the real Docker engine, and real SSH
 * clients (ssh2 and OpenSSH's `ssh`) logging into the simulated nodes.
 */
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { SimulationService } from '@kombify/proto/sim/v1';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker, TEST_IMAGE } from '../harness/docker.ts';
import {
  containersOfSimulation,
  makeKeyPair,
  nodePassword,
  opensshWithKey,
  opensshWithPassword,
  removeSimulations,
  ssh2Exec,
  startSimStack,
} from '../harness/sim.ts';
import { poll, type Stack } from '../harness/stack.ts';

let docker: Docker;
let stack: Stack;
const made = new Set<string>();

async function apply(s: Stack, template: string, body: Record<string, unknown>, token?: string) {
  const res = await s.api(`/api/v1/templates/${template}/apply`, { body, ...(token ? { token } : {}) });
  if (res.body?.id) made.add(res.body.id);
  return res;
}

async function remove(s: Stack, id: string, token?: string) {
  const res = await s.api(`/api/v1/simulations/${id}`, { method: 'DELETE', ...(token ? { token } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.status).toBe('deleted');
  expect(await containersOfSimulation(docker, id)).toEqual([]);
}

beforeAll(async () => {
  docker = await requireDocker();
  // 12 ports (2222–2233) instead of 100, so the pool can be used up in a few applies.
  stack = await startSimStack({ host: 'sim-host', sshPorts: 12 });
});

afterAll(async () => {
  await stack?.stop();
  if (docker) await removeSimulations(docker, made);
});

describe('homelab-basic with auto_start', () => {
  let sim: any;
  // Each node's own root password, from its SSH details (shown once).
  let web = '';
  let db = '';

  beforeAll(async () => {
    const res = await apply(stack, 'homelab-basic', { simulation_name: 'test-lab', auto_start: true });
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

  it('gives SSH details with a ready command and the node’s own password, once, to operators only', async () => {
    // A member sees the details but never the password (and does not use up its one showing).
    const member = await stack.api('/api/keys', { body: { name: 'sim-member', role: 'member' } });
    expect(member.status, JSON.stringify(member.body)).toBe(201);
    const asMember = await stack.api(`/api/v1/nodes/${sim.nodes[0].id}/ssh`, {
      token: member.body.data.key,
    });
    expect(asMember.status, JSON.stringify(asMember.body)).toBe(200);
    expect(asMember.body).toMatchObject({
      password: null,
      password_note: 'only owners and admins see the password',
    });

    const res = await stack.api(`/api/v1/nodes/${sim.nodes[0].id}/ssh`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      host: '127.0.0.1',
      port: 2222,
      user: 'root',
      login: 'password',
      command: 'ssh -p 2222 root@127.0.0.1',
    });
    expect(res.body.password).toMatch(/^[a-z2-7]{20}$/);
    expect(res.body.password_note).toMatch(/shown once/);
    web = res.body.password;
    const again = await stack.api(`/api/v1/nodes/${sim.nodes[0].id}/ssh`);
    expect(again.body.password).toBeNull();
    expect(again.body.password_note).toMatch(/was shown once/);
    db = await nodePassword(stack, sim.nodes[1].id);
    expect(db).not.toBe(web);
  });

  it('lets the ssh2 client log in with the node’s password (and not with the other node’s)', async () => {
    const out = await ssh2Exec({ port: 2222, password: web }, 'hostname; cat /etc/os-release');
    expect(out.code).toBe(0);
    expect(out.stdout.split('\n')[0]).toBe('web-server');
    expect(out.stdout).toContain('Debian GNU/Linux 12 (bookworm)');
    const other = await ssh2Exec({ port: 2223, password: db }, 'hostname');
    expect(other.stdout.trim()).toBe('database');
    await expect(ssh2Exec({ port: 2223, password: web }, 'true')).rejects.toThrow(/authentication/i);
    await expect(ssh2Exec({ port: 2222, password: 'kombisim' }, 'true')).rejects.toThrow(/authentication/i);
  });

  it("lets OpenSSH's ssh log in with the password", async () => {
    const withPassword = await opensshWithPassword(2223, db, 'hostname; cat /etc/os-release');
    expect(withPassword.split('\n')[0]).toBe('database');
    expect(withPassword).toContain('ID=debian');
  });

  it('refuses a wrong password', async () => {
    await expect(ssh2Exec({ port: 2222, password: 'wrong' }, 'true')).rejects.toThrow(/authentication/i);
  });

  it('nodes see each other by name on the simulation network', async () => {
    const out = await ssh2Exec({ port: 2222, password: web }, 'getent hosts database');
    expect(out.stdout).toContain(sim.nodes[1].ip);
  });

  it('starting a running simulation is ALREADY_RUNNING', async () => {
    const res = await stack.api(`/api/v1/simulations/${sim.id}/start`, { method: 'POST' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ALREADY_RUNNING');
  });

  it('stop and start keep a file written before', async () => {
    await ssh2Exec({ port: 2222, password: web }, 'echo kept-across-restarts > /root/marker');
    const stopped = await stack.api(`/api/v1/simulations/${sim.id}/stop`, { method: 'POST' });
    expect(stopped.status, JSON.stringify(stopped.body)).toBe(200);
    expect(stopped.body.status).toBe('stopped');
    expect(stopped.body.nodes.map((n: any) => n.status)).toEqual(['stopped', 'stopped']);
    const states = (await containersOfSimulation(docker, sim.id)).map((c) => c.State);
    expect(states).toEqual(['exited', 'exited']);
    await expect(ssh2Exec({ port: 2222, password: web }, 'true')).rejects.toThrow();

    const started = await stack.api(`/api/v1/simulations/${sim.id}/start`, { method: 'POST' });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.status).toBe('running');
    const out = await ssh2Exec({ port: 2222, password: web }, 'cat /root/marker');
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

describe('a node made with keys', () => {
  it('logs in by key only: no password is made, shown or accepted', async () => {
    const key = await makeKeyPair();
    const res = await apply(stack, 'single-node', {
      simulation_name: 'keys-only',
      ssh_public_keys: [key.publicKey],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const node = res.body.nodes[0];
    const ssh = await stack.api(`/api/v1/nodes/${node.id}/ssh`);
    expect(ssh.body).toMatchObject({ login: 'keys', password: null });
    expect(ssh.body.password_note).toMatch(/key-only/);
    const withKey = await opensshWithKey(node.ssh_port, key.privatePath, 'hostname; cat /etc/os-release');
    expect(withKey.split('\n')[0]).toBe('server');
    expect(withKey).toContain('VERSION_ID="12"');
    await expect(opensshWithPassword(node.ssh_port, 'kombisim', 'true')).rejects.toThrow();
    await expect(ssh2Exec({ port: node.ssh_port, password: 'kombisim' }, 'true')).rejects.toThrow(
      /authentication/i,
    );
    await remove(stack, res.body.id);
  });
});

describe('templates', () => {
  it('lists the six with node counts, categories and whether they make a deploy target', async () => {
    const res = await stack.api('/api/v1/templates');
    expect(res.status).toBe(200);
    expect(res.body.data.map((t: any) => [t.name, t.category, t.node_count, t.deploy_target])).toEqual([
      ['single-node', 'development', 1, false],
      ['homelab-basic', 'homelab', 2, false],
      ['homelab-advanced', 'homelab', 5, true],
      ['hybrid-setup', 'homelab', 5, true],
      ['dev-environment', 'development', 2, false],
      ['ha-setup', 'homelab', 5, true],
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
      // The multi-node templates are deploy targets unless the request says otherwise.
      expect(res.body.deploy_target, name).toBe(res.body.nodes.length === 5);
      const hostnames = await Promise.all(
        res.body.nodes.map(async (node: any) => {
          const password = await nodePassword(stack, node.id);
          return (await ssh2Exec({ port: node.ssh_port, password }, 'hostname')).stdout.trim();
        }),
      );
      expect(hostnames, name).toEqual(res.body.nodes.map((n: any) => n.name));
      if (name === 'hybrid-setup') {
        expect(res.body.nodes.map((n: any) => n.type)).toEqual(['vps', 'vps', 'local', 'local', 'local']);
        expect(res.body.nodes[0].network.latency_ms).toBe(20);
        expect(res.body.nodes[0].resources.memory).toBe('1Gi');
      }
      await remove(stack, res.body.id);
    }
  });
});

describe('ConnectRPC kombify.sim.v1.SimulationService', () => {
  const client = (token: string | null) =>
    createClient(
      SimulationService,
      createConnectTransport({
        baseUrl: stack.edgeUrl,
        httpVersion: '1.1',
        interceptors: [
          (next) => async (req) => {
            if (token) req.header.set('authorization', `Bearer ${token}`);
            return next(req);
          },
        ],
      }),
    );
  const code = async (call: Promise<unknown>) => {
    try {
      await call;
      return 'ok';
    } catch (error) {
      return Code[ConnectError.from(error).code];
    }
  };

  it('serves the same simulations as REST, with the contract errors as Connect codes', async () => {
    const sims = client(stack.adminToken);
    const { templates } = await sims.listTemplates({});
    expect(templates.map((t) => [t.name, t.nodeCount])).toContainEqual(['ha-setup', 5]);
    const { simulation } = await sims.applyTemplate({ name: 'single-node', simulationName: 'over-connect' });
    expect(simulation).toBeDefined();
    made.add(simulation!.id);
    expect(simulation!.status).toBe('running');
    expect(simulation!.nodes[0]).toMatchObject({ name: 'server', status: 'running', type: 'local' });
    const rest = await stack.api(`/api/v1/simulations/${simulation!.id}`);
    expect(rest.body.nodes[0].ssh_port).toBe(simulation!.nodes[0]!.sshPort);
    const ssh = await sims.getNodeSsh({ id: simulation!.nodes[0]!.id });
    expect(ssh.command).toBe(`ssh -p ${ssh.port} root@127.0.0.1`);
    const out = await ssh2Exec({ port: ssh.port, password: ssh.password }, 'hostname');
    expect(out.stdout.trim()).toBe('server');

    expect(await code(sims.startSimulation({ id: simulation!.id }))).toBe('AlreadyExists');
    expect(await code(sims.getSimulation({ id: 'sim_nosuchsimulation' }))).toBe('NotFound');
    expect(await code(sims.applyTemplate({ name: 'no-such', simulationName: 'x' }))).toBe('NotFound');
    expect(await code(sims.applyTemplate({ name: 'single-node', simulationName: 'Bad Name' }))).toBe(
      'InvalidArgument',
    );
    expect(await code(client(null).listTemplates({}))).toBe('Unauthenticated');
    const other = await stack.newTenant('sim-connect-other');
    expect(await code(client(other.token).getSimulation({ id: simulation!.id }))).toBe('NotFound');

    const deleted = await sims.deleteSimulation({ id: simulation!.id });
    expect(deleted.simulation!.status).toBe('deleted');
  });
});

describe('simulation as deploy target', () => {
  it('nodes run the agent enrolled as simulated workers; their Docker work lands in the node’s engine', async () => {
    const res = await apply(stack, 'homelab-basic', { simulation_name: 'target', deploy_target: true });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const sim = res.body;
    // Each node's agent enrolls (one-time token made at apply) and comes online as a simulated worker.
    const workers = await poll(
      async () => {
        const list = (await stack.api('/v1/orchestrator/workers?per_page=100')).body.data as any[];
        const mine = list.filter((w) => w.simulation_id === sim.id && w.status === 'online');
        return mine.length === 2 ? mine : null;
      },
      60_000,
      'two simulated workers online',
    );
    expect(workers.map((w: any) => w.name).sort()).toEqual(['target-database', 'target-web-server']);
    expect(workers.every((w: any) => w.simulated === true)).toBe(true);
    expect(workers.find((w: any) => w.name === 'target-web-server').facts.hostname).toBe('web-server');
    // Simulated workers are not the org's nodes: the host is still the only candidate host.
    const web = workers.find((w: any) => w.name === 'target-web-server');

    const job = await stack.api('/v1/orchestrator/jobs', {
      body: {
        worker_id: web.id,
        type: 'docker.run',
        params: {
          image: TEST_IMAGE,
          name: 'site',
          command: ['httpd', '-f', '-p', '8080', '-h', '/www'],
          ports: [{ container: 8080, host: 8080 }],
        },
      },
    });
    expect(job.status, JSON.stringify(job.body)).toBe(201);
    const done = await stack.waitForJob(job.body.data.id, ['succeeded', 'failed'], 60_000);
    expect(done.status, JSON.stringify(done)).toBe('succeeded');
    const node = sim.nodes.find((n: any) => n.name === 'web-server');
    // The node's own engine has it, under the name asked for; the host's engine does not.
    expect(done.result.name).toBe('site');
    await expect(docker.getContainer('site').inspect()).rejects.toThrow();
    // On the node, the service is on the node's own port, as on a real machine.
    const password = await nodePassword(stack, node.id);
    const out = await ssh2Exec(
      { port: node.ssh_port, password },
      "docker ps --format '{{.Names}}'; curl -s http://127.0.0.1:8080/",
    );
    expect(out.stdout.split('\n')[0]).toBe('site');
    expect(out.stdout).toContain('kombify test page');

    await remove(stack, sim.id);
    const left = (await stack.api('/v1/orchestrator/workers?per_page=100')).body.data.filter(
      (w: any) => w.simulation_id === sim.id,
    );
    expect(left).toEqual([]);
  });
});

describe('limits', () => {
  it('a node past the SSH port pool is RESOURCE_LIMIT, with nothing half-written', async () => {
    const ids: string[] = [];
    for (const [template, name] of [
      ['ha-setup', 'pool-1'],
      ['ha-setup', 'pool-2'],
    ] as const) {
      const res = await apply(stack, template, { simulation_name: name, auto_start: false });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids.push(res.body.id);
    }
    const ports = async () =>
      (await stack.api('/api/v1/nodes?per_page=100')).body.data.map((n: any) => n.ssh_port).sort();
    expect(await ports()).toEqual([2222, 2223, 2224, 2225, 2226, 2227, 2228, 2229, 2230, 2231]);
    // dev-environment takes the last two ports; then homelab-basic finds none, and nothing of it
    // is written (no simulation row, no node, no port).
    const over = await apply(stack, 'dev-environment', { simulation_name: 'fits', auto_start: false });
    expect(over.status, JSON.stringify(over.body)).toBe(201);
    ids.push(over.body.id);
    const full = await apply(stack, 'homelab-basic', { simulation_name: 'too-many', auto_start: false });
    expect(full.status).toBe(507);
    expect(full.body.error.code).toBe('RESOURCE_LIMIT');
    expect(full.body.error.message).toMatch(/no free SSH port/);
    const names = (await stack.api('/api/v1/simulations')).body.data.map((s: any) => s.name).sort();
    expect(names).toEqual(['fits', 'pool-1', 'pool-2']);
    expect((await ports()).length).toBe(12);
    const added = await stack.api('/api/v1/nodes', {
      body: { simulation_id: ids[2], name: 'extra', auto_start: false },
    });
    expect(added.status).toBe(507);
    // Deleting one simulation gives its ports back, lowest first.
    await remove(stack, ids[0]!);
    const again = await stack.api('/api/v1/nodes', {
      body: { simulation_id: ids[2], name: 'extra', type: 'vps', auto_start: false },
    });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body).toMatchObject({ name: 'extra', type: 'vps', ssh_port: 2222, status: 'stopped' });
    for (const id of ids.slice(1)) await remove(stack, id);
  });

  it("the free plan's 3 simulations a month: the 4th is RESOURCE_LIMIT, deleting does not give one back", async () => {
    const { token } = await stack.newTenant('sim-free');
    const none = await stack.api('/api/v1/templates/single-node/apply', {
      body: { simulation_name: 'x' },
      token,
    });
    expect(none.status).toBe(503);
    expect(none.body.error.message).toMatch(/no online worker/);

    const enrollment = await stack.api('/v1/orchestrator/enrollment-tokens', { body: {}, token });
    const enrolled = await stack.enrollAgent({ name: 'free-host', token: enrollment.body.data.token });
    expect(enrolled.code, enrolled.stderr).toBe(0);
    stack.startAgent(enrolled.dataDir);
    await poll(
      async () =>
        (await stack.api('/v1/orchestrator/workers', { token })).body.data?.[0]?.status === 'online',
      20_000,
      'free-host online',
    );
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const res = await apply(
        stack,
        'single-node',
        { simulation_name: `free-${n}`, auto_start: false },
        token,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids.push(res.body.id);
    }
    await remove(stack, ids[0]!, token);
    const fourth = await apply(stack, 'single-node', { simulation_name: 'free-4', auto_start: false }, token);
    expect(fourth.status).toBe(507);
    expect(fourth.body.error.code).toBe('RESOURCE_LIMIT');
    expect(fourth.body.error.message).toMatch(/free plan allows 3 simulations a month/);
    for (const id of ids.slice(1)) await remove(stack, id, token);
  });
});
