/**
 * node.bootstrap on simulated machines (issue 16, item 6): a real edge, a real host agent, a
 * `homelab-basic` simulation (two Debian nodes, each with its own agent enrolled as a worker, its
 * own sshd and its own network stack), and the params `toBootstrapJobs` makes from a base-homelab
 * spec whose firewall allows 8081 (9099 is in no list). The jobs go through the edge's job API
 * to node A's agent; what they did is read back over real SSH (`sshd -T`, `nft list table`) and
 * tried from node B over the simulation's network.
 *
 * SSH: the spec keeps its hardening defaults (no passwords, root with keys only), so the test
 * installs a key for root over the password session first and uses the key afterwards. The
 * password session opened before the hardening stays open through it and must still work after.
 * The refusal to turn passwords off while no key is installed is its own case.
 */
import { readFileSync } from 'node:fs';
import { parseSpec, resolve, toBootstrapJobs } from '@kombify/stackkits';
import type Docker from 'dockerode';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker, TEST_IMAGE } from '../harness/docker.ts';
import { makeKeyPair, nodePassword, removeSimulations, ssh2Exec, startSimStack } from '../harness/sim.ts';
import { poll, type Stack } from '../harness/stack.ts';

// Own node image tag and SSH ports: other suites use 2222…, 2300-2399 and 2420… on this engine.
const SIM_IMAGE = 'kombify/sim-node:bootstrap-e2e';
const SSH_FIRST = 2400;
const tag = `bs${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const A = 'web-server';
const B = 'database';

const spec = `name: ${tag}
kit: base-homelab
variant: minimal
nodes:
  - name: server
    type: main
system:
  timezone: Europe/Berlin
security:
  firewall:
    allow: [{ port: 8081 }]
`;

let docker: Docker;
let stack: Stack;
let sim: any;
let key: string;
let session: Client;
const sims = new Set<string>();
const passwords = new Map<string, string>();
const workers = new Map<string, any>();

const node = (name: string) => sim.nodes.find((n: any) => n.name === name);
const withPassword = (name: string, command: string) =>
  ssh2Exec({ port: node(name).ssh_port, password: passwords.get(name)! }, command);
const withKey = (name: string, command: string) =>
  ssh2Exec({ port: node(name).ssh_port, privateKey: key }, command);

function params(overrides: { dry_run?: boolean } = {}) {
  const { spec: parsed, errors } = parseSpec(spec);
  expect(errors).toEqual([]);
  const [job] = toBootstrapJobs(resolve(parsed!));
  return { ...job!.params, ...overrides };
}

/** One SSH connection kept open across the hardening (ssh2, root's password). */
function openSession(port: number, password: string): Promise<Client> {
  return new Promise((done, fail) => {
    const client = new Client();
    client
      .on('ready', () => done(client))
      .on('error', fail)
      .connect({ host: '127.0.0.1', port, username: 'root', password, readyTimeout: 15_000 });
  });
}

function sessionExec(client: Client, command: string): Promise<string> {
  return new Promise((done, fail) => {
    client.exec(command, (err, stream) => {
      if (err) return fail(err);
      let out = '';
      stream.on('data', (d: Buffer) => (out += d.toString()));
      stream.stderr.on('data', () => {});
      stream.on('close', () => done(out));
    });
  });
}

/**
 * Submits a job to a node's worker and waits for it to finish. While it runs, the worker's status
 * is sampled: the agent must stay connected while its own node's SSH and firewall change.
 */
async function runJob(name: string, type: string, jobParams?: unknown) {
  const worker = workers.get(name);
  const created = await stack.api('/v1/orchestrator/jobs', {
    body: { worker_id: worker.id, type, ...(jobParams ? { params: jobParams } : {}) },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const statuses = new Set<string>();
  const job = await poll(
    async () => {
      const w = (await stack.api('/v1/orchestrator/workers?per_page=100')).body.data.find(
        (x: any) => x.id === worker.id,
      );
      statuses.add(w?.status ?? 'missing');
      const view = (await stack.api(`/v1/orchestrator/jobs/${created.body.data.id}`)).body.data;
      return ['succeeded', 'failed', 'cancelled'].includes(view?.status) ? view : null;
    },
    120_000,
    `${type} on ${name}`,
  );
  return { job, statuses: [...statuses] };
}

/**
 * What the bootstrap manages on a node, with inode and mtime of each file and the nft table's
 * handles: a rewrite of the same text or a reload of the same rules shows here too.
 */
const stateCommand = [
  'cat /etc/timezone 2>&1; readlink /etc/localtime',
  'for f in /etc/apt/apt.conf.d/20auto-upgrades /etc/docker/daemon.json /etc/ssh/sshd_config.d/50-kombify.conf /etc/nftables.d/kombify.nft; do stat -c "%n %i %Y" "$f" 2>&1; sha256sum "$f" 2>&1; done',
  'ls /etc/ssh/sshd_config.d',
  'sshd -T | sort | sha256sum',
  'nft list tables',
  'nft -a list table inet kombify 2>&1',
].join('; ');
const nodeState = (name: string) => withKey(name, stateCommand).then((r) => r.stdout);

/** HTTP from node B to node A's port (curl's code; 000: no connection within 3 s). */
async function fromB(port: number): Promise<string> {
  const out = await withPassword(
    B,
    `curl -s -o /dev/null -w '%{http_code}' --connect-timeout 3 --max-time 5 http://${A}:${port}/ || true`,
  );
  return out.stdout.trim();
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
  // Two HTTP servers on node A: one port the spec allows, one it does not.
  await withPassword(
    A,
    'for p in 8081 9099; do setsid python3 -m http.server -d /tmp "$p" >/dev/null 2>&1 </dev/null & done',
  );
  // And a container in node A's engine published on one port the plan opens (8888, dozzle's) and
  // one it does not: Docker DNATs those, so the firewall's forward chain decides, not input.
  const { job } = await runJob(A, 'docker.run', {
    image: TEST_IMAGE,
    name: 'published',
    command: ['httpd', '-f', '-p', '8080', '-h', '/www'],
    ports: [
      { container: 8080, host: 8888 },
      { container: 8080, host: 9098 },
    ],
  });
  expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
  for (const port of [8081, 9099, 8888, 9098])
    await poll(async () => (await fromB(port)) === '200', 20_000, `node A’s port ${port} from node B`);
}, 300_000);

afterAll(async () => {
  session?.end();
  await stack?.stop();
  if (docker) await removeSimulations(docker, sims);
});

describe('node.bootstrap on a simulated machine', () => {
  it('refuses to turn passwords off while no key is installed, and changes nothing', async () => {
    const ssh = params().steps.filter((s) => s.step === 'ssh-hardening');
    const { job } = await runJob(A, 'node.bootstrap', { steps: ssh, dry_run: false });
    expect(job.status).toBe('failed');
    expect(job.error.code).toBe('bootstrap_failed');
    expect(job.error.message).toMatch(/ssh-hardening: refusing "PasswordAuthentication no"/);
    expect((await withPassword(A, 'ls /etc/ssh/sshd_config.d')).stdout.trim()).toBe('kombisim.conf');
    expect((await withPassword(A, 'echo still in')).stdout).toBe('still in\n');
  });

  it('a dry run shows the diff of every step and changes nothing', async () => {
    // root's key first, over the password session (then the hardening may turn passwords off).
    const pair = await makeKeyPair();
    key = readFileSync(pair.privatePath, 'utf8');
    const installed = await withPassword(
      A,
      `mkdir -p /root/.ssh && chmod 700 /root/.ssh && printf '%s\\n' '${pair.publicKey}' >>/root/.ssh/authorized_keys && chmod 600 /root/.ssh/authorized_keys && echo ok`,
    );
    expect(installed.stdout).toBe('ok\n');
    session = await openSession(node(A).ssh_port, passwords.get(A)!);

    const before = await nodeState(A);
    const { job } = await runJob(A, 'node.bootstrap', params({ dry_run: true }));
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    // The job view shows the steps (nothing in them is secret) and that it was a dry run.
    expect(job.params.dry_run).toBe(true);
    expect(job.params.steps.map((s: any) => s.step)).toEqual([
      'timezone',
      'packages',
      'ssh-hardening',
      'firewall',
      'docker',
    ]);
    const steps = Object.fromEntries(job.result.steps.map((s: any) => [s.step, s]));
    expect(job.result.changed).toBe(5);
    for (const s of job.result.steps) expect(s.changed, s.step).toBe(true);
    expect(steps.timezone.after).toContain('/etc/localtime -> /usr/share/zoneinfo/Europe/Berlin');
    expect(steps['ssh-hardening'].before).toBe('(absent)');
    expect(steps['ssh-hardening'].after).toContain('PasswordAuthentication no');
    expect(steps.firewall.before).toContain('table inet kombify: not loaded');
    expect(steps.firewall.after).toContain('tcp dport 8081 accept');
    expect(steps.firewall.after).not.toContain('9099');
    expect(JSON.parse(steps.docker.after)).toMatchObject({ 'log-opts': { 'max-file': '3' } });
    // The diff is in the job's log too.
    expect(job.log.map((l: any) => l.text).join('\n')).toContain('+++ firewall after');

    expect(before).toMatch(/50-kombify.conf: No such file/);
    expect(await nodeState(A)).toBe(before);
    expect(await fromB(9099)).toBe('200');
  });

  it('applies the plan: sshd and nftables are what it says, and the agent stays connected', async () => {
    const { job, statuses } = await runJob(A, 'node.bootstrap', params());
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(job.result.changed).toBe(5);
    expect(statuses).toEqual(['online']);

    const sshd = await withKey(A, 'sshd -T | grep -iE "^(passwordauthentication|permitrootlogin|port) "');
    expect(sshd.stdout.trim().split('\n').sort()).toEqual([
      'passwordauthentication no',
      'permitrootlogin without-password',
      'port 22',
    ]);
    const table = (await withKey(A, 'nft list table inet kombify')).stdout;
    expect(table).toMatch(/chain input \{\s+type filter hook input priority filter; policy drop;/);
    expect(table).toMatch(/tcp dport 22 accept comment "ssh"/);
    expect(table).toMatch(/tcp dport 8081 accept comment "security.firewall.allow"/);
    expect(table).not.toContain('9099');
    const tz = await withKey(A, 'cat /etc/timezone; date +%Z');
    expect(tz.stdout).toMatch(/^Europe\/Berlin\nCE[S]?T\n$/);

    // Right after: the agent answers new jobs.
    for (const type of ['node.facts', 'docker.containers']) {
      const next = await runJob(A, type);
      expect(next.job.status, `${type}: ${JSON.stringify(next.job.error)}`).toBe('succeeded');
    }
  });

  it('SSH after the hardening: the open session works, keys work, passwords are refused', async () => {
    expect(await sessionExec(session, 'echo same session')).toBe('same session\n');
    expect((await withKey(A, 'echo with key')).stdout).toBe('with key\n');
    await expect(withPassword(A, 'true')).rejects.toThrow(/authentication/i);
  });

  it('from the other node, the allowed port connects and the other one does not', async () => {
    expect(await fromB(8081)).toBe('200');
    expect(await fromB(9099)).toBe('000');
    // Published by the node's Docker engine: only the allowed one answers.
    expect(await fromB(8888)).toBe('200');
    expect(await fromB(9098)).toBe('000');
    // Both still serve on node A itself: the firewall, not the server, refuses 9099.
    const local = await withKey(
      A,
      "for p in 8081 9099; do curl -s -o /dev/null -w '%{http_code} ' http://127.0.0.1:$p/; done",
    );
    expect(local.stdout.trim()).toBe('200 200');
    const published = await withKey(A, "curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9098/");
    expect(published.stdout).toBe('200');
  });

  it('new connections out of the firewalled node still work (the registry mirror, by name)', async () => {
    const mirror = await withKey(
      A,
      `curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://$(python3 -c 'import json; print(json.load(open("/etc/docker/daemon.json"))["insecure-registries"][0])')/v2/`,
    );
    expect(mirror.stdout).toBe('200');
  });

  it('a dry run names an earlier sshd file that would override the plan, as the real run does', async () => {
    // On node B (no bootstrap yet): a site file read before ours turns passwords off.
    await withPassword(B, "printf 'PasswordAuthentication no\\n' >/etc/ssh/sshd_config.d/00-site.conf");
    const steps = [
      { step: 'ssh-hardening', port: 22, password_authentication: true, permit_root_login: 'yes' },
    ];
    try {
      for (const dry_run of [true, false]) {
        const { job } = await runJob(B, 'node.bootstrap', { steps, dry_run });
        expect(job.status, `dry_run ${dry_run}`).toBe('failed');
        expect(job.error.message).toMatch(
          /ssh-hardening: sshd would not use these settings: passwordauthentication is no \(want yes\)/,
        );
      }
      const left = await withPassword(B, 'ls /etc/ssh/sshd_config.d');
      expect(left.stdout.trim().split('\n')).toEqual(['00-site.conf', 'kombisim.conf']);
    } finally {
      // sshd was never reloaded with it, so the password still works to take it away.
      await withPassword(B, 'rm /etc/ssh/sshd_config.d/00-site.conf');
    }
  });

  it('a second run reports every step unchanged and changes nothing', async () => {
    const before = await nodeState(A);
    expect(before).toMatch(/table inet kombify \{ # handle \d+/);
    const { job, statuses } = await runJob(A, 'node.bootstrap', params());
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(job.result.changed).toBe(0);
    expect(job.result.steps.map((s: any) => [s.step, s.changed])).toEqual([
      ['timezone', false],
      ['packages', false],
      ['ssh-hardening', false],
      ['firewall', false],
      ['docker', false],
    ]);
    expect(statuses).toEqual(['online']);
    expect(await nodeState(A)).toBe(before);
    expect(await sessionExec(session, 'echo still')).toBe('still\n');
  });

  it('a stack’s bootstrap route sends the same params to the bound node: nothing left to change', async () => {
    const created = await stack.api('/v1/orchestrator/stacks', {
      body: { yaml: spec, bindings: { server: { simulation: sim.id, node: A } } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const before = await nodeState(A);
    const queued = await stack.api(`/v1/orchestrator/stacks/${created.body.data.id}/nodes/server/bootstrap`, {
      body: {},
    });
    expect(queued.status, JSON.stringify(queued.body)).toBe(202);
    expect(queued.body.data.not_applied).toEqual(['backup (not part of node.bootstrap)']);
    const job = await stack.waitForJob(queued.body.data.job.id, ['succeeded', 'failed'], 60_000);
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    expect(job.worker_id).toBe(workers.get(A).id);
    expect(job.params).toEqual(params());
    expect(job.result.changed).toBe(0);
    expect(await nodeState(A)).toBe(before);
  });

  it('a plan with read-only stacks may dry-run the bootstrap but not apply it', async () => {
    const free = await stack.newTenant(`${tag}-free`);
    const applied = await stack.api('/v1/orchestrator/jobs', {
      token: free.token,
      body: { worker_id: workers.get(A).id, type: 'node.bootstrap', params: params() },
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(507);
    expect(applied.body.error.code).toBe('RESOURCE_LIMIT');
    // A dry run passes that check (and then finds no such worker in this org).
    const dry = await stack.api('/v1/orchestrator/jobs', {
      token: free.token,
      body: { worker_id: workers.get(A).id, type: 'node.bootstrap', params: params({ dry_run: true }) },
    });
    expect(dry.status, JSON.stringify(dry.body)).toBe(404);
  });
});
