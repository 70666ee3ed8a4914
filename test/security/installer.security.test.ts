/**
 * Issue 20, L9: the installer and the agent refuse a plain-http edge on another machine (the
 * node's token and its jobs would cross the network unencrypted); loopback stays allowed for
 * local development, and KOMBIFY_ALLOW_HTTP_EDGE=1 says a trusted network on purpose.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeKeyPair, saveIdentity } from '../../agent/src/identity.ts';
import { repoRoot } from '../../scripts/lib/service.ts';

const scratch = mkdtempSync(join(tmpdir(), 'kombify-l9-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** An edge on another machine, over plain http (`.invalid` never resolves: nothing is reached). */
const remoteHttp = 'http://kombify-edge.invalid:8787';
const token = `kfe_${'a'.repeat(43)}`;

function exec(
  command: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 20_000,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const installer = (edge: string, env: Record<string, string> = {}) =>
  exec(
    'sh',
    [
      join(repoRoot, 'edge/src/releases/install.sh'),
      '--edge',
      edge,
      '--token',
      token,
      '--no-service',
      '--prefix',
      join(scratch, 'prefix'),
      '--data-dir',
      join(scratch, 'data'),
    ],
    env,
  );

const agent = (args: string[], env: Record<string, string> = {}, timeoutMs?: number) =>
  exec(process.execPath, [join(repoRoot, 'agent/bin/kombify-agent.js'), ...args], env, timeoutMs);

describe('L9 no plain-http edge outside loopback', () => {
  it('L9 the installer refuses it (usage error) before downloading anything; loopback and the opt-in pass', async () => {
    const refused = await installer(remoteHttp);
    expect(refused.code).toBe(2);
    expect(refused.output).toMatch(/plain http on another machine/);
    for (const edge of ['http://127.0.0.1.kombify.invalid', 'http://192.0.2.10:8787']) {
      expect((await installer(edge)).code, edge).toBe(2);
    }
    // Loopback, and the explicit opt-in, get past the check (and then fail to download: nothing listens).
    const loopback = await installer('http://127.0.0.1:9');
    expect(loopback.code).not.toBe(2);
    const optIn = await installer(remoteHttp, { KOMBIFY_ALLOW_HTTP_EDGE: '1' });
    expect(optIn.code).not.toBe(2);
  });

  it('L9 the agent refuses to enroll with it, and to run against it', async () => {
    const enroll = await agent([
      'enroll',
      '--edge',
      remoteHttp,
      '--token',
      token,
      '--data-dir',
      join(scratch, 'enroll'),
    ]);
    expect(enroll.code).toBe(2);
    expect(enroll.output).toMatch(/plain http on another machine/);

    const dataDir = join(scratch, 'run');
    const { privateJwk, publicJwk } = await makeKeyPair();
    saveIdentity(dataDir, {
      agent_id: `agt_${'a'.repeat(26)}`,
      org_id: 'org_x',
      name: 'l9',
      edge_url: remoteHttp,
      audience: 'kombify:agent-api',
      heartbeat_interval_seconds: 30,
      private_key_jwk: privateJwk,
      public_key_jwk: publicJwk,
      enrolled_at: new Date().toISOString(),
    });
    // The old agent kept retrying for ever; it must stop at once with a usage error.
    const run = await agent(['run', '--data-dir', dataDir], {}, 15_000);
    expect(run.code).toBe(2);
    expect(run.output).toMatch(/plain http on another machine/);
  });
});
