/**
 * The installer script as the edge renders it (edge/src/install): clean under
 * `shellcheck -s sh`, and its early refusals, run under this machine's /bin/sh with fake `uname`
 * and no Docker. Every case here stops before the script writes anything. The full one-liner runs
 * in a container in test/e2e/installer.e2e.test.ts.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPolicyText } from '../agent/src/policy/policy.ts';
import { renderInstallScript } from '../edge/src/releases/install-render.ts';
import { releaseSigner } from '../edge/src/releases/signing-key.ts';
import { gzipInMembers, gzipMemberStarts } from './lib/agent-build.ts';
import { makeReleaseSigningKey } from './lib/release-key.ts';
import { repoRoot } from './lib/service.ts';

const template = readFileSync(join(repoRoot, 'edge/src/releases/install.sh'), 'utf8');
let script: string;
let dir: string;

/** One function of the rendered script, to drive it on its own. */
const fn = (name: string) => new RegExp(`^${name}\\(\\) \\{[\\s\\S]*?^\\}`, 'm').exec(script)?.[0];

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function sh(args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = execFile(
      args[0]!,
      args.slice(1),
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...opts.env }, timeout: 20_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    // A script that refuses early exits before it reads stdin; the write then fails with EPIPE,
    // which says nothing about the script, so it is dropped here rather than left unhandled.
    child.stdin?.on('error', () => {});
    child.stdin?.end(opts.input ?? '');
  });
}

/** Runs the script with the given flags; everything it could write points into a scratch dir. */
function install(flags: string[], env: Record<string, string> = {}): Promise<Result> {
  return sh(
    ['sh', join(dir, 'install.sh'), '--prefix', join(dir, 'opt'), '--data-dir', join(dir, 'data'), ...flags],
    {
      env,
    },
  );
}

/** A directory with a fake command first on PATH. */
function fakeCommand(name: string, body: string): string {
  const bin = mkdtempSync(join(dir, 'bin-'));
  writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(bin, name), 0o755);
  return `${bin}:${process.env.PATH}`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kombify-install-sh-'));
  const signer = await releaseSigner(await makeReleaseSigningKey());
  script = renderInstallScript(template, {
    edgeUrl: 'https://edge.example.com',
    publicKeyPem: signer.publicKeyPem,
  });
  writeFileSync(join(dir, 'install.sh'), script);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('install.sh', () => {
  it('is clean under shellcheck -s sh, as rendered', async () => {
    const res = await sh(['shellcheck', '-s', 'sh', '-'], { input: script });
    if (res.code === 127 || /ENOENT/.test(res.stderr))
      throw new Error('shellcheck is needed for this test (apt-get install -y shellcheck)');
    expect(res.stdout + res.stderr).toBe('');
    expect(res.code).toBe(0);
  });

  it('has the edge and the public key filled in, and nothing else left to fill', () => {
    expect(script).toContain("EDGE_DEFAULT='https://edge.example.com'");
    expect(script).toMatch(/RELEASE_PUBLIC_KEY='-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA/);
    expect(script).not.toContain('@@');
  });

  it('refuses to render with an edge URL that could break out of its quotes', () => {
    expect(() =>
      renderInstallScript(template, { edgeUrl: "https://x'; rm -rf /; '", publicKeyPem: 'x' }),
    ).toThrow(/not an origin/);
  });

  it('prints help with the exit codes', async () => {
    const res = await install(['--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('curl -fsSL https://edge.example.com/install.sh | sh -s -- --token');
    expect(res.stdout).toContain('5 missing prerequisite');
  });

  it('rejects unknown options and unsafe paths as usage errors (2)', async () => {
    expect((await install(['--bogus'])).code).toBe(2);
    const relative = await install(['--prefix', 'opt/kombify']);
    expect(relative.code).toBe(2);
    expect(relative.stderr).toContain('--prefix must be an absolute path');
    const root = await install(['--prefix', '/']);
    expect(root.code).toBe(2);
    const name = await install(['--name', 'bad name']);
    expect(name.code).toBe(2);
  });

  it('refuses other systems and CPUs clearly (4)', async () => {
    const mac = await install(['--token', 'x'], {
      PATH: fakeCommand('uname', '[ "$1" = -s ] && echo Darwin || echo arm64'),
    });
    expect(mac.code).toBe(4);
    expect(mac.stderr).toContain('kombify-agent runs on Linux (amd64 or arm64); this machine runs Darwin');
    const riscv = await install(['--token', 'x'], {
      PATH: fakeCommand('uname', '[ "$1" = -s ] && echo Linux || echo riscv64'),
    });
    expect(riscv.code).toBe(4);
    expect(riscv.stderr).toContain('this machine is riscv64');
  });

  it('without a Docker engine: says how to install it, before anything else (5)', async () => {
    const res = await install(['--token', `kfe_${'A'.repeat(43)}`, '--no-service'], {
      DOCKER_HOST: `unix://${join(dir, 'no-docker.sock')}`,
      PATH: fakeCommand('docker', 'exit 1'),
    });
    expect(res.code).toBe(5);
    expect(res.stderr).toContain('no Docker Engine is reachable');
    expect(res.stderr).toContain('curl -fsSL https://get.docker.com | sh');
    expect(res.stderr).toContain('apt-get install -y docker.io');
    expect(res.stdout).not.toContain('fetching');
  });

  it("H2 writes the default job policy once and keeps the owner's file on every later run", async () => {
    // The script's own write_policy, with the real agent's `policy init` behind the wrapper path.
    const prefix = mkdtempSync(join(dir, 'prefix-'));
    mkdirSync(join(prefix, 'bin'));
    writeFileSync(
      join(prefix, 'bin/kombify-agent'),
      `#!/bin/sh\nexec ${process.execPath} ${join(repoRoot, 'agent/bin/kombify-agent.js')} "$@"\n`,
    );
    chmodSync(join(prefix, 'bin/kombify-agent'), 0o755);
    const policy = join(dir, 'etc-kombify', 'policy.json');
    const driver = join(dir, 'write-policy.sh');
    writeFileSync(
      driver,
      `set -eu\nE_FAIL=1\n${fn('die')}\n${fn('write_policy')}\nPREFIX=${prefix}\nPOLICY=${policy}\nCREATED_POLICY=\${CREATED_POLICY:-0}\nwrite_policy\necho "$POLICY_NOTE"\n`,
    );
    expect(script).toContain('  write_wrapper\n  write_policy\n');

    const first = await sh(['sh', driver]);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain("default: the stack workflow's jobs only");
    expect(readFileSync(policy, 'utf8')).toBe(defaultPolicyText());

    const owners = '{"version": 1, "raw_jobs": true}\n';
    writeFileSync(policy, owners);
    const again = await sh(['sh', driver]);
    expect(again.stdout).toContain('kept (yours)');
    expect(readFileSync(policy, 'utf8')).toBe(owners);

    // A fresh install's enroll wrote it (enroll --init-policy): said as the default, left as is.
    const enrolled = await sh(['sh', driver], { env: { CREATED_POLICY: '1' } });
    expect(enrolled.stdout).toContain("default: the stack workflow's jobs only");
    expect(readFileSync(policy, 'utf8')).toBe(owners);
  });

  describe('unpack_runtime', () => {
    // A tar of two files, big enough for several members, with bytes that do not repeat.
    let tar: Buffer;
    const node = randomBytes(3 * 1024 * 1024);
    beforeAll(async () => {
      const src = mkdtempSync(join(dir, 'rt-src-'));
      mkdirSync(join(src, 'bin'));
      writeFileSync(join(src, 'bin/node'), node);
      writeFileSync(join(src, 'bin/other'), 'x'.repeat(100_000));
      await sh(['tar', '-C', src, '-cf', join(dir, 'rt.tar'), 'bin']);
      tar = readFileSync(join(dir, 'rt.tar'));
    });

    /** Runs the script's unpack_runtime; `tars` is how it called tar (a wrapper logs that). */
    async function unpack(tarball: Buffer): Promise<{ res: Result; out: string; tars: string }> {
      const work = mkdtempSync(join(dir, 'rt-'));
      const file = join(work, 'runtime.tar.gz');
      writeFileSync(file, tarball);
      const out = mkdtempSync(join(dir, 'rt-out-'));
      const driver = join(dir, 'unpack.sh');
      writeFileSync(driver, `set -eu\n${fn('unpack_runtime')}\nunpack_runtime "$1" "$2"\n`);
      const realTar = (await sh(['sh', '-c', 'command -v tar'])).stdout.trim();
      const PATH = fakeCommand('tar', `echo "$*" >>${work}/tar.log\nexec ${realTar} "$@"`);
      const res = await sh(['sh', driver, file, out], { env: { PATH } });
      return { res, out, tars: readFileSync(join(work, 'tar.log'), 'utf8') };
    }

    it('decodes a runtime of several gzip members in parallel into the same files', async () => {
      expect(script).toContain('unpack_runtime "$TMP/$RUNTIME_FILE" "$rt_stage"');
      const { res, out, tars } = await unpack(gzipInMembers(tar, 4));
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(tars).toBe(`-xf - -C ${out}\n`);
      expect(readdirSync(out).sort()).toEqual(['bin']);
      expect(readdirSync(join(out, 'bin')).sort()).toEqual(['node', 'other']);
      expect(readFileSync(join(out, 'bin/node')).equals(node)).toBe(true);
    });

    it('unpacks a runtime of one gzip member (an older release) with tar -xzf', async () => {
      const { res, out, tars } = await unpack(gzipSync(tar));
      expect(res.code, res.stderr).toBe(0);
      expect(tars).toMatch(/^-xzf /);
      expect(readFileSync(join(out, 'bin/node')).equals(node)).toBe(true);
    });

    it('fails when a member does not decode', async () => {
      const bad = Buffer.from(gzipInMembers(tar, 4));
      const at = gzipMemberStarts(bad)[2]! + 40;
      bad[at] = bad[at]! ^ 0xff;
      const { res } = await unpack(bad);
      expect(res.code).not.toBe(0);
    });
  });
});
