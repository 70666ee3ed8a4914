/**
 * The agent installer one-liner for real: a locally built Debian container (no Node, no agent)
 * runs `curl -fsSL <edge>/install.sh | sh -s -- --token … --no-service` against a real edge
 * (wrangler dev, R2 simulated) that serves a real agent release built with esbuild and signed by
 * the edge. The container shares the host network (to reach the edge on 127.0.0.1) and the
 * host's Docker socket (the agent's prerequisite).
 *
 * One long-lived container is installed into, upgraded and uninstalled; each failure case runs in
 * a fresh container so "nothing installed" is checked on a clean machine.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicyText } from '../../agent/src/policy/policy.ts';
import { openDb } from '../../edge/src/platform/db/client.ts';
import { randomId, randomSecret, sha256Hex } from '../../edge/src/platform/ids.ts';
import { createEnrollmentToken } from '../../edge/src/workers/store.ts';
import { buildAgentRelease } from '../../scripts/lib/agent-build.ts';
import { makeReleaseSigningKey } from '../../scripts/lib/release-key.ts';
import { publishRelease } from '../../scripts/lib/release-publish.ts';
import { createApiKey } from '../../scripts/lib/seed.ts';
import { requireDebianImage } from '../harness/debian-image.ts';
import { removeContainer, requireDocker } from '../harness/docker.ts';
import { poll, type Stack, startStack } from '../harness/stack.ts';

const V1 = '0.1.0';
const V2 = '0.1.1-e2e.1';
const V3 = '0.1.2-e2e.1';
/** A release whose agent starts but never reaches the edge. */
const BROKEN = '0.1.3-e2e.broken';
/** How long the supervisor waits for an upgraded agent before it rolls back (default 60 s). */
const CONFIRM_SECONDS = 8;
const NAME = 'e2e-installer';
const container = `kombify-e2e-installer-${process.pid}`;
const label = `kombify.e2e.installer=${process.pid}`;

let docker: Docker;
let image: string;
let stack: Stack;
let scratch: string;
const builds: Record<string, string> = {};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile('docker', args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The one-liner as a user pastes it. */
function oneLiner(flags: string): string {
  return `curl -fsSL ${stack.edgeUrl}/install.sh | sh -s -- ${flags}`;
}

/** The one-liner in a fresh, throwaway container. */
function inFreshContainer(script: string, opts: { docker?: boolean } = {}): Promise<Run> {
  const mounts = opts.docker === false ? [] : ['-v', '/var/run/docker.sock:/var/run/docker.sock'];
  // Labelled, so one left running by a failed case (an install that should have been refused runs
  // its agent in the foreground) is removed in afterAll.
  return run(
    ['run', '--rm', '--label', label, '--network', 'host', ...mounts, image, 'sh', '-c', script],
    60_000,
  );
}

/** What the installer would leave behind anywhere it writes. */
const LEFTOVERS =
  'ls -d /opt/kombify-agent /var/lib/kombify-agent /usr/local/bin/kombify-agent 2>/dev/null; true';

async function exec(script: string): Promise<Run> {
  return run(['exec', container, 'sh', '-c', script]);
}

async function worker(id: string) {
  return (await stack.api(`/v1/orchestrator/workers/${id}`)).body.data;
}

async function workersNamed(name: string): Promise<any[]> {
  const res = await stack.api('/v1/orchestrator/workers?per_page=100');
  return res.body.data.filter((w: any) => w.name === name);
}

/** A release like `base` whose bundle answers `version` and then never connects. */
function brokenRelease(base: string): string {
  const dir = join(base, '..');
  const code = `if (process.argv[2] === 'version') console.log('${BROKEN}');\nelse setInterval(() => {}, 60_000);\n`;
  writeFileSync(join(dir, 'broken.mjs'), code);
  const manifest = JSON.parse(readFileSync(base, 'utf8'));
  manifest.version = BROKEN;
  manifest.files = manifest.files.map((f: any) =>
    f.kind === 'agent'
      ? {
          ...f,
          name: `kombify-agent-${BROKEN}.mjs`,
          sha256: createHash('sha256').update(code).digest('hex'),
          size: Buffer.byteLength(code),
          path: 'broken.mjs',
        }
      : f,
  );
  writeFileSync(join(dir, 'broken-manifest.json'), JSON.stringify(manifest));
  return join(dir, 'broken-manifest.json');
}

async function expiredToken(): Promise<string> {
  const token = randomSecret('kfe');
  const { db, close } = openDb(stack.db.config);
  try {
    await createEnrollmentToken(db, {
      id: randomId('enr'),
      orgId: stack.orgId,
      hash: await sha256Hex(token),
      description: 'expired on purpose',
      expiresAt: new Date(Date.now() - 60_000),
    });
  } finally {
    await close();
  }
  return token;
}

beforeAll(async () => {
  docker = await requireDocker();
  image = await requireDebianImage(docker);
  scratch = mkdtempSync(join(tmpdir(), 'kombify-installer-'));
  // Agent releases for this machine's architecture (the other runtime adds nothing here).
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
  for (const version of [V1, V2, V3]) {
    const { manifestPath } = await buildAgentRelease({
      version,
      outDir: join(scratch, version),
      arches: [arch],
    });
    builds[version] = manifestPath;
  }
  builds[BROKEN] = brokenRelease(builds[V3]!);
  stack = await startStack({
    vars: {
      RELEASE_SIGNING_KEY: await makeReleaseSigningKey(),
      // V1 is older than the edge supports: the workers API must say so until the node upgrades.
      AGENT_MIN_VERSION: V2,
      RELEASE_MAX_UPLOAD_BYTES: String(48 * 1024 * 1024),
    },
  });
  await publishRelease({ edgeUrl: stack.edgeUrl, adminToken: stack.adminToken, manifestPath: builds[V1]! });
  await removeContainer(docker, container);
  const started = await run([
    'run',
    '-d',
    '--name',
    container,
    '--network',
    'host',
    '-v',
    '/var/run/docker.sock:/var/run/docker.sock',
    image,
    'sleep',
    'infinity',
  ]);
  expect(started.code, started.stderr).toBe(0);
}, 600_000);

afterAll(async () => {
  if (docker) {
    await removeContainer(docker, container);
    for (const c of await docker.listContainers({ all: true, filters: { label: [label] } })) {
      await removeContainer(docker, c.Id);
    }
  }
  await stack?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('GET /install.sh', () => {
  it('is POSIX sh that shellcheck passes, with this edge and its release key baked in', async () => {
    const res = await fetch(`${stack.edgeUrl}/install.sh`);
    expect(res.status).toBe(200);
    const script = await res.text();
    expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    expect(script).toContain(`EDGE_DEFAULT='${stack.edgeUrl}'`);
    expect(script).toMatch(
      /RELEASE_PUBLIC_KEY='-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=]+\n-----END PUBLIC KEY-----'/,
    );
    const check = await new Promise<Run>((resolve) => {
      const child = execFile('shellcheck', ['-s', 'sh', '-'], (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
      child.stdin?.end(script);
    });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.code).toBe(0);
  });
});

describe('the one-liner in a Debian container', () => {
  let workerId: string;

  it('installs, enrolls, and the worker shows online', async () => {
    const token = await stack.enrollmentToken();
    const started = Date.now();
    const res = await run([
      'exec',
      '-d',
      '-e',
      `KOMBIFY_AGENT_UPGRADE_CONFIRM_SECONDS=${CONFIRM_SECONDS}`,
      container,
      'sh',
      '-c',
      `${oneLiner(`--token ${token} --no-service --name ${NAME}`)} >/tmp/install-1.log 2>&1`,
    ]);
    expect(res.code, res.stderr).toBe(0);
    const online = await poll(
      async () => (await workersNamed(NAME)).find((w) => w.status === 'online'),
      60_000,
      'the installed worker online',
    ).catch(async (error) => {
      throw new Error(`${(error as Error).message}\n${(await exec('cat /tmp/install-1.log')).stdout}`);
    });
    workerId = online.id;
    console.log(`installed and online in ${Date.now() - started} ms`);
    expect(online.agent_version).toBe(V1);
    expect(online.outdated).toBe(true);
    expect(online.version_warning).toContain(`older than this edge supports (${V2} or newer)`);
    const log = (await exec('cat /tmp/install-1.log')).stdout;
    expect(log).toContain(`release ${V1}: signature verified`);
    expect(log).toContain('sha256 checksums match the signed manifest');
    expect(log).toContain(`kombify agent ${V1} installed (enrolled)`);
    expect(log).toContain(workerId);
    // The enroll ran the bundle at its final path, so the V8 compile cache it left serves the
    // agent. First thing here: the running agent has not exited, so nothing else wrote it yet.
    const cache = await exec('NODE_DEBUG_NATIVE=COMPILE_CACHE /usr/local/bin/kombify-agent version 2>&1');
    expect(cache.stdout).toContain(
      `V8 code cache for ESM file:///opt/kombify-agent/versions/${V1}/kombify-agent.mjs was accepted`,
    );
    const files = await exec(
      'readlink /opt/kombify-agent/current; stat -c %a /var/lib/kombify-agent/identity.json; /usr/local/bin/kombify-agent version',
    );
    expect(files.stdout.split('\n')).toEqual([`versions/${V1}`, '600', V1, '']);
    // The enrolling process wrote the default job policy (enroll --init-policy); the runtime was
    // decoded member by member and left nothing beside bin/node.
    expect(log).toContain("policy    /etc/kombify/policy.json (default: the stack workflow's jobs only");
    expect((await exec('cat /etc/kombify/policy.json')).stdout).toBe(defaultPolicyText());
    const runtime = await exec('ls -A /opt/kombify-agent/runtimes/*/ /opt/kombify-agent/runtimes/*/bin');
    expect(
      runtime.stdout
        .trim()
        .split('\n')
        .filter((l) => l && !l.endsWith(':')),
    ).toEqual(['.sha256', 'bin', 'node']);
  });

  it('run again after a new release: upgrades in place, same worker id, no token needed', async () => {
    await publishRelease({ edgeUrl: stack.edgeUrl, adminToken: stack.adminToken, manifestPath: builds[V2]! });
    const res = await run([
      'exec',
      '-d',
      '-e',
      `KOMBIFY_AGENT_UPGRADE_CONFIRM_SECONDS=${CONFIRM_SECONDS}`,
      container,
      'sh',
      '-c',
      `${oneLiner('--no-service')} >/tmp/install-2.log 2>&1`,
    ]);
    expect(res.code, res.stderr).toBe(0);
    await poll(
      async () => {
        const w = await worker(workerId);
        return w.status === 'online' && w.agent_version === V2;
      },
      60_000,
      `worker ${workerId} online with ${V2}`,
    ).catch(async (error) => {
      throw new Error(`${(error as Error).message}\n${(await exec('cat /tmp/install-2.log')).stdout}`);
    });
    const log = (await exec('cat /tmp/install-2.log')).stdout;
    expect(log).toContain(`upgrading ${V1} → ${V2}`);
    expect(log).toContain('kept its identity');
    // The runtime did not change between the releases, so only the bundle was downloaded.
    expect(log).not.toContain('downloading node-');
    expect(await workersNamed(NAME)).toHaveLength(1);
    expect(await worker(workerId)).toMatchObject({ outdated: false, version_warning: null });
    const links = await exec(
      'readlink /opt/kombify-agent/current /opt/kombify-agent/previous; ls /opt/kombify-agent/versions',
    );
    expect(links.stdout.split('\n')).toEqual([`versions/${V2}`, `versions/${V1}`, V1, V2, '']);
  });

  it('run once more with nothing new: says so and keeps running the same worker', async () => {
    const res = await run([
      'exec',
      '-d',
      '-e',
      `KOMBIFY_AGENT_UPGRADE_CONFIRM_SECONDS=${CONFIRM_SECONDS}`,
      container,
      'sh',
      '-c',
      `${oneLiner('--no-service')} >/tmp/install-3.log 2>&1`,
    ]);
    expect(res.code).toBe(0);
    await poll(
      async () => (await exec('cat /tmp/install-3.log')).stdout.includes('installed (kept its identity)'),
      30_000,
      'the third run to finish',
    );
    expect((await exec('cat /tmp/install-3.log')).stdout).toContain(`agent ${V2} is already installed`);
    await stack.waitForWorker(workerId, 'online', 30_000);
    expect(await workersNamed(NAME)).toHaveLength(1);
  });

  it('the edge asks the agent to upgrade: it installs the release, comes back online, same worker', async () => {
    await publishRelease({ edgeUrl: stack.edgeUrl, adminToken: stack.adminToken, manifestPath: builds[V3]! });
    const asked = await stack.api(`/v1/orchestrator/workers/${workerId}/upgrade`, { method: 'POST' });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(asked.body.data).toMatchObject({ type: 'agent.upgrade', params: { version: V3 } });
    const job = await stack.waitForJob(asked.body.data.id, ['succeeded', 'failed'], 60_000);
    expect(job.error).toBeNull();
    expect(job.result).toEqual({ status: 'upgraded', from: V2, to: V3 });
    // Delivered twice: to the old agent (which upgraded and restarted) and to the new one.
    expect(job.attempt).toBe(2);
    expect(job.log.map((l: { text: string }) => l.text).join('\n')).toContain(`upgraded ${V2} → ${V3}`);
    const w = await stack.waitForWorker(workerId, 'online');
    expect(w.agent_version).toBe(V3);
    const links = await exec('readlink /opt/kombify-agent/current /opt/kombify-agent/previous');
    expect(links.stdout.split('\n')).toEqual([`versions/${V3}`, `versions/${V2}`, '']);
    expect(await workersNamed(NAME)).toHaveLength(1);
    const again = await stack.api(`/v1/orchestrator/workers/${workerId}/upgrade`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain(`already runs agent ${V3}`);
  });

  it('an upgrade that does not come back online is rolled back to the previous version', async () => {
    await publishRelease({
      edgeUrl: stack.edgeUrl,
      adminToken: stack.adminToken,
      manifestPath: builds[BROKEN]!,
      current: false,
    });
    const asked = await stack.api(`/v1/orchestrator/workers/${workerId}/upgrade`, {
      body: { version: BROKEN },
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    const job = await stack.waitForJob(asked.body.data.id, ['succeeded', 'failed'], 90_000);
    expect(job.status).toBe('failed');
    expect(job.error.code).toBe('upgrade_rolled_back');
    expect(job.error.message).toContain(`agent ${BROKEN} did not come online within ${CONFIRM_SECONDS} s`);
    expect(job.error.message).toContain(`rolled back to ${V3}`);
    const w = await stack.waitForWorker(workerId, 'online');
    expect(w.agent_version).toBe(V3);
    const links = await exec('readlink /opt/kombify-agent/current; /usr/local/bin/kombify-agent version');
    expect(links.stdout.split('\n')).toEqual([`versions/${V3}`, V3, '']);
    // The edge's current release is still V3: the broken one was published as not current.
    expect((await fetch(`${stack.edgeUrl}/agent/manifest.json`)).headers.get('x-kombify-release')).toBe(V3);
  });

  it('kombify-agent upgrade on the node installs a given release and restarts the agent on it', async () => {
    const res = await exec(`/usr/local/bin/kombify-agent upgrade --version ${V2}; echo "exit=$?"`);
    expect(res.stdout).toContain(`Upgrading ${V3} → ${V2} (signature verified)`);
    expect(res.stdout).toContain('the running agent restarts on it');
    expect(res.stdout).toContain('exit=0');
    await poll(
      async () => {
        const w = await worker(workerId);
        return w.status === 'online' && w.agent_version === V2;
      },
      30_000,
      `worker ${workerId} online with ${V2}`,
    );
    const again = await exec(`/usr/local/bin/kombify-agent upgrade --version ${V2}; echo "exit=$?"`);
    expect(again.stdout).toContain(`Agent ${V2} is already installed: nothing to do`);
    const missing = await exec('/usr/local/bin/kombify-agent upgrade --version 9.9.9; echo "exit=$?"');
    expect(missing.stderr).toContain('Upgrade refused (release_not_found)');
    expect(missing.stdout).toContain('exit=1');
  });

  it('--uninstall stops the agent and leaves no files', async () => {
    const res = await exec(`${oneLiner('--uninstall')}; echo "exit=$?"`);
    expect(res.stdout).toContain('exit=0');
    expect(res.stdout).toContain('/opt/kombify-agent');
    expect(res.stdout).toContain('/var/lib/kombify-agent');
    expect((await exec(LEFTOVERS)).stdout).toBe('');
    const found = await exec(
      "find / -xdev \\( -path /proc -o -path /sys -o -path /tmp \\) -prune -o -name '*kombify*' -print",
    );
    expect(found.stdout).toBe('');
    await stack.waitForWorker(workerId, 'offline', 15_000);
    const again = await exec(`${oneLiner('--uninstall')}; echo "exit=$?"`);
    expect(again.stdout).toContain('nothing to remove');
    expect(again.stdout).toContain('exit=0');
  });
});

describe('the one-liner with systemd', () => {
  it('writes the unit, enables and starts it, and --uninstall disables and removes it', async () => {
    // No systemd runs in a container: a stand-in systemctl records what the installer asks of it.
    const fakeSystemd =
      'mkdir -p /run/systemd/system && printf \'#!/bin/sh\\necho "$*" >>/tmp/systemctl.log\\n\' >/usr/local/sbin/systemctl && chmod +x /usr/local/sbin/systemctl';
    const token = await stack.enrollmentToken();
    const res = await inFreshContainer(
      `${fakeSystemd} && ${oneLiner(`--token ${token} --name systemd-node`)}; echo "exit=$?"; ` +
        'echo ---unit; cat /etc/systemd/system/kombify-agent.service; echo ---calls; cat /tmp/systemctl.log; ' +
        `${oneLiner('--uninstall')} >/dev/null; echo ---after; cat /tmp/systemctl.log; ${LEFTOVERS}; echo ---ls; ls /etc/systemd/system`,
    );
    expect(res.stdout, res.stderr).toContain('exit=0');
    expect(res.stdout).toContain('systemd unit kombify-agent.service (enabled, started)');
    const [, unit = '', calls = '', after = '', units = ''] = res.stdout.split(
      /---unit\n|---calls\n|---after\n|---ls\n/,
    );
    expect(unit).toContain(
      'ExecStart=/opt/kombify-agent/bin/kombify-agent run --data-dir /var/lib/kombify-agent',
    );
    expect(unit).toContain('Restart=always');
    expect(unit).toContain('After=network-online.target docker.service');
    expect(calls.trim().split('\n')).toEqual([
      'daemon-reload',
      'enable kombify-agent.service',
      'restart kombify-agent.service',
    ]);
    expect(after).toContain('disable --now kombify-agent.service');
    expect(after).not.toMatch(/kombify-agent$/m);
    expect(units).not.toContain('kombify-agent');
    expect(await workersNamed('systemd-node')).toHaveLength(1);
  });
});

describe('the one-liner refuses, clearly, and installs nothing', () => {
  it('with an unknown, an expired or a used token', async () => {
    const used = await stack.enrollmentToken();
    expect((await stack.enrollAgent({ token: used, name: 'used-once' })).code).toBe(0);
    const cases = [
      { token: randomSecret('kfe'), message: 'enrollment token not recognised' },
      { token: await expiredToken(), message: 'enrollment token expired at' },
      { token: used, message: 'enrollment token was already used at' },
    ];
    for (const { token, message } of cases) {
      const res = await inFreshContainer(
        `${oneLiner(`--token ${token} --no-service`)}; echo "exit=$?"; ${LEFTOVERS}`,
      );
      expect(res.stderr).toContain(message);
      expect(res.stderr).toContain('the edge refused the enrollment token');
      expect(res.stderr).toContain('Nothing was installed');
      expect(res.stdout).toContain('exit=3');
      expect(res.stdout).not.toMatch(/kombify-agent$/m);
    }
  });

  it('with a malformed token, before downloading anything', async () => {
    const res = await inFreshContainer(`${oneLiner('--token hello --no-service')}; echo "exit=$?"`);
    expect(res.stderr).toContain('the enrollment token is malformed');
    expect(res.stdout).toContain('exit=3');
    expect(res.stdout).not.toContain('downloading');
  });

  it('when the bundle served does not match the signed manifest (checksum failure)', async () => {
    // The current release (V3 by now): the bundle a fresh install downloads.
    const manifest = JSON.parse(readFileSync(builds[V3]!, 'utf8'));
    const bundle = manifest.files.find((f: any) => f.kind === 'agent');
    const original = readFileSync(join(scratch, V3, bundle.path));
    const tampered = Buffer.concat([original, Buffer.from('\n// tampered\n')]);
    const put = (body: Buffer) =>
      fetch(`${stack.edgeUrl}/api/internal/releases/artifacts/${bundle.name}?replace=true`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/octet-stream' },
        body: new Uint8Array(body),
      });
    expect((await put(tampered)).status).toBe(200);
    try {
      const token = await stack.enrollmentToken();
      const res = await inFreshContainer(
        `${oneLiner(`--token ${token} --no-service`)}; echo "exit=$?"; ${LEFTOVERS}`,
      );
      expect(res.stderr).toContain(`checksum mismatch for ${bundle.name}`);
      expect(res.stderr).toContain(`the signed manifest says sha256 ${bundle.sha256}`);
      expect(res.stderr).toContain('Nothing was installed');
      expect(res.stdout).toContain('exit=6');
      expect(res.stdout).not.toMatch(/kombify-agent$/m);
    } finally {
      expect((await put(original)).status).toBe(200);
    }
  });

  it('without Docker: says how to install it', async () => {
    const token = await stack.enrollmentToken();
    const res = await inFreshContainer(
      `${oneLiner(`--token ${token} --no-service`)}; echo "exit=$?"; ${LEFTOVERS}`,
      {
        docker: false,
      },
    );
    expect(res.stderr).toContain('no Docker Engine is reachable');
    expect(res.stderr).toContain('curl -fsSL https://get.docker.com | sh');
    expect(res.stderr).toContain('apt-get install -y docker.io');
    expect(res.stdout).toContain('exit=5');
    expect(res.stdout).not.toMatch(/kombify-agent$/m);
  });

  it('without systemd and without --no-service: says to use --no-service', async () => {
    const token = await stack.enrollmentToken();
    const res = await inFreshContainer(`${oneLiner(`--token ${token}`)}; echo "exit=$?"; ${LEFTOVERS}`);
    expect(res.stderr).toContain('systemd is not running on this machine');
    expect(res.stderr).toContain('--no-service');
    expect(res.stdout).toContain('exit=5');
    expect(res.stdout).not.toMatch(/kombify-agent$/m);
  });
});

describe('the release API', () => {
  it('keeps artifact names immutable unless told to replace', async () => {
    const res = await fetch(`${stack.edgeUrl}/api/internal/releases/artifacts/kombify-agent-${V1}.mjs`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${stack.adminToken}` },
      body: 'other bytes',
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as any).error.message).toContain('artifact names are immutable');
  });

  it('refuses an upload over its limit before reading it', async () => {
    // Headers only: the edge must answer from Content-Length alone, without waiting for a byte.
    const size = 60 * 1024 * 1024;
    const url = new URL(`${stack.edgeUrl}/api/internal/releases/artifacts/too-big.bin`);
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(url, {
        method: 'PUT',
        headers: { authorization: `Bearer ${stack.adminToken}`, 'content-length': String(size) },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: body }));
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(status, text).toBe(400);
    const error = JSON.parse(text).error;
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toContain(`this edge takes uploads up to ${48 * 1024 * 1024} bytes`);
    expect(error.message).toContain('wrangler r2 object put');
    const held = await stack.api('/api/internal/releases/artifacts/too-big.bin');
    expect(held.status).toBe(404);
  });

  it('refuses to publish a release whose files are not stored as described', async () => {
    const manifest = JSON.parse(readFileSync(builds[V1]!, 'utf8'));
    const files = manifest.files.map(({ path: _p, ...f }: any) => f);
    files[0] = { ...files[0], sha256: '0'.repeat(64) };
    files.push({
      name: 'node-v0.0.1-linux-arm64.tar.gz',
      kind: 'runtime',
      os: 'linux',
      arch: 'arm64',
      sha256: 'a'.repeat(64),
      size: 10,
    });
    const res = await stack.api('/api/internal/releases/9.9.9', {
      method: 'PUT',
      body: { ...manifest, version: '9.9.9', files },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: any) => d.code).sort()).toEqual(['missing', 'sha256']);
    expect((await fetch(`${stack.edgeUrl}/agent/releases/9.9.9/manifest.json`)).status).toBe(404);
  });

  it('is for platform admins only', async () => {
    // An org's owner runs its own workers, but releases are the platform's.
    const tenant = await stack.newTenant('not-platform');
    const owner = await createApiKey(stack.db.config, { orgId: tenant.orgId, name: 'owner', role: 'owner' });
    const res = await stack.api(`/api/internal/releases/artifacts/kombify-agent-${V1}.mjs`, { token: owner });
    expect(res.status).toBe(403);
    const anonymous = await stack.api(`/api/internal/releases/artifacts/kombify-agent-${V1}.mjs`, {
      token: null,
    });
    expect(anonymous.status).toBe(401);
  });
});
