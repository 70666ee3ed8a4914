import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSpec } from '../spec/validate.ts';
import { resolve } from '../unifier/resolve.ts';
import { hostPorts, isThisMachine, tryBind } from './checks.ts';
import { removeTempDirs, runCli, tempDir } from './testing.ts';

afterAll(removeTempDirs);

const dockerSocket = existsSync('/var/run/docker.sock');
const terraform = existsSync('/usr/local/bin/terraform');

interface CheckDoc {
  name: string;
  target?: string;
  status: string;
  message: string;
  blocking: boolean;
}

function listen(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => resolve(server));
  });
}

describe('stackkit prepare', { timeout: 60_000 }, () => {
  it('--json reports every check of this machine with passed/failed/warning/skipped', async () => {
    const cwd = tempDir();
    expect((await runCli(['init', 'base-homelab', '--name', 'lab'], { cwd })).code).toBe(0);
    const r = await runCli(['prepare', '--json'], { cwd });
    const doc = JSON.parse(r.stdout);
    const checks = doc.checks as CheckDoc[];
    expect(doc.stack).toEqual({ name: 'lab', kit: 'base-homelab', variant: 'default' });
    for (const c of checks) {
      expect(['passed', 'failed', 'warning', 'skipped']).toContain(c.status);
      expect(c.message.length).toBeGreaterThan(0);
    }
    const names = checks.map((c) => c.name);
    expect(names.slice(0, 2)).toEqual(['docker_version', 'tofu_version']);
    expect(checks.filter((c) => c.name === 'port_available').map((c) => c.target)).toEqual([
      '80/tcp',
      '443/tcp',
      '3000/tcp',
      '3001/tcp',
      '8080/tcp',
      '8888/tcp',
      '9080/tcp',
    ]);
    expect(names).toEqual(expect.arrayContaining(['disk_space', 'ram_available']));
    if (dockerSocket)
      expect(checks[0]).toMatchObject({
        status: 'passed',
        message: expect.stringMatching(/^Docker \S+ \(API/),
      });
    if (terraform) {
      expect(checks[1]!.status).toBe('passed');
      expect(checks[1]!.message).toMatch(/^(tofu|terraform) \d+\.\d+/);
    }
    const failed = checks.filter((c) => c.status === 'failed').length;
    expect(doc.summary.failed).toBe(failed);
    expect(doc.ok).toBe(failed === 0);
    expect(r.code).toBe(failed === 0 ? 0 : 1);
  });

  it('a host port held by another process fails port_available and the command (exit 1)', async () => {
    const server = await listen(9080);
    if (!server) return; // something else holds it already; the first test covers the shape
    try {
      const cwd = tempDir();
      expect((await runCli(['init', 'base-homelab'], { cwd })).code).toBe(0);
      const r = await runCli(['prepare', '--json'], { cwd });
      expect(r.code).toBe(1);
      const check = (JSON.parse(r.stdout).checks as CheckDoc[]).find((c) => c.target === '9080/tcp');
      expect(check).toMatchObject({
        status: 'failed',
        message: '9080/tcp (whoami on server): already in use on this machine',
      });
      const human = await runCli(['prepare'], { cwd });
      expect(human.code).toBe(1);
      expect(human.stdout).toMatch(/failed\s+port_available\s+9080\/tcp/);
      expect(human.stderr).toContain('not ready');
    } finally {
      server.close();
    }
  });

  it('an invalid spec stops before the checks (exit 1)', async () => {
    const cwd = tempDir();
    const r = await runCli(['prepare', '--json', '-s', 'missing.yaml'], { cwd });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.code).toBe('spec_missing');
  });
});

describe('check helpers', () => {
  it('treats nodes without ssh, or with a local address, as this machine', () => {
    const { spec } = parseSpec(`name: lab
kit: modern-homelab
nodes:
  - { name: here, type: main }
  - { name: loop, type: worker, ssh: { host: 127.0.0.1 } }
  - { name: far, type: worker, ssh: { host: 192.0.2.9 } }
`);
    const plan = resolve(spec!);
    expect(plan.nodes.map((n) => isThisMachine(n, new Set()))).toEqual([true, true, false]);
    expect(hostPorts(plan, plan.nodes.slice(0, 1)).every((p) => p.node === 'here')).toBe(true);
  });

  it('tryBind tells a free port from a taken one', async () => {
    const server = await listen(0);
    const port = (server!.address() as { port: number }).port;
    expect(await tryBind(port, 'tcp')).toBe('in_use');
    server!.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(await tryBind(port, 'tcp')).toBe('free');
  });
});
