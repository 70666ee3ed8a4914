/**
 * The agent release build: one ESM bundle (esbuild) that runs on a bare Node, the Node runtimes it
 * ships with (linux-x64, linux-arm64), and a release manifest listing each file with its SHA-256.
 *
 *   .kombify/build/agent/kombify-agent.mjs      the bundle
 *   .kombify/build/agent/manifest.json          {version, node_version, files: [{name, kind, os, arch, sha256, size, path}]}
 *   .kombify/build/runtime/node-v<v>-linux-<arch>.tar.gz   bin/node, reused across agent versions
 *
 * Everything is reproducible: no timestamps in the manifest, tarballs with fixed mtimes and owners,
 * gzip without a name or time. The runtime's gzip stream is RUNTIME_GZIP_MEMBERS members (one per
 * quarter of the tar), so the installer can decode them in parallel; any tar reads it as one. `path` is the local file, relative to the manifest; the rest of an
 * entry is what the edge publishes.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import type { ReleaseFile as PublishedFile } from '@kombify/proto/releases';
import { build } from 'esbuild';
import { repoRoot } from './service.ts';

const run = promisify(execFile);

export const buildRoot = join(repoRoot, '.kombify/build');
export const defaultAgentOut = join(buildRoot, 'agent');
const runtimeDir = join(buildRoot, 'runtime');
const cacheDir = join(buildRoot, 'cache');

export type Arch = 'x64' | 'arm64';
export const ARCHES: readonly Arch[] = ['x64', 'arm64'];

/** A published release file plus where it is on this machine, relative to the manifest (not published). */
export type ReleaseFile = PublishedFile & { path: string };

export interface BuildManifest {
  version: string;
  node_version: string;
  files: ReleaseFile[];
}

/** The Node version the agent ships with: the one this repository runs on (the `node` package). */
export function runtimeNodeVersion(): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'node_modules/node/package.json'), 'utf8'));
  return pkg.version as string;
}

export function agentPackageVersion(): string {
  return JSON.parse(readFileSync(join(repoRoot, 'agent/package.json'), 'utf8')).version as string;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Bundles agent/bin/kombify-agent.js and everything it imports into one ESM file. dockerode's
 * CommonJS dependencies (ssh2, docker-modem) use require, __dirname and __filename, which an ES
 * module lacks: the banner provides them. ssh2's optional native pieces (cpu-features, the
 * sshcrypto binding) stay out; ssh2 loads them in try/catch and falls back to pure JS.
 */
export async function bundleAgent(opts: { version: string; outfile: string }): Promise<void> {
  await build({
    entryPoints: [join(repoRoot, 'agent/bin/kombify-agent.js')],
    outfile: opts.outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    external: ['cpu-features', '*.node'],
    define: { KOMBIFY_AGENT_VERSION: JSON.stringify(opts.version) },
    banner: {
      js: [
        "import { createRequire as __kombifyCreateRequire } from 'node:module';",
        "import { fileURLToPath as __kombifyFileURLToPath } from 'node:url';",
        "import { dirname as __kombifyDirname } from 'node:path';",
        'const require = __kombifyCreateRequire(import.meta.url);',
        'const __filename = __kombifyFileURLToPath(import.meta.url);',
        'const __dirname = __kombifyDirname(__filename);',
      ].join('\n'),
    },
    legalComments: 'none',
    logLevel: 'warning',
  });
}

/** The Node binary for an architecture: this machine's own when it matches, else the npm package. */
async function nodeBinary(arch: Arch, nodeVersion: string): Promise<string> {
  const local = join(repoRoot, 'node_modules/node/bin/node');
  if (process.platform === 'linux' && process.arch === arch && existsSync(local)) return local;
  // The `node` npm package installs its binary from node-linux-<arch>; fetch that tarball once.
  const spec = `node-linux-${arch}@${nodeVersion}`;
  const tgz = join(cacheDir, `node-linux-${arch}-${nodeVersion}.tgz`);
  const unpacked = join(cacheDir, `node-linux-${arch}-${nodeVersion}`);
  const binary = join(unpacked, 'package/bin/node');
  if (existsSync(binary)) return binary;
  mkdirSync(cacheDir, { recursive: true });
  if (!existsSync(tgz)) {
    const { stdout } = await run('npm', ['pack', spec, '--pack-destination', cacheDir, '--json'], {
      cwd: cacheDir,
      maxBuffer: 16 * 1024 * 1024,
    });
    const packed = (JSON.parse(stdout) as { filename: string }[])[0]?.filename;
    if (!packed) throw new Error(`npm pack ${spec} did not name a file`);
    if (join(cacheDir, packed) !== tgz) renameSync(join(cacheDir, packed), tgz);
  }
  rmSync(unpacked, { recursive: true, force: true });
  mkdirSync(unpacked, { recursive: true });
  await run('tar', ['-xzf', tgz, '-C', unpacked, 'package/bin/node']);
  return binary;
}

/** How many gzip members the runtime tarball has: the installer decodes them in parallel. */
export const RUNTIME_GZIP_MEMBERS = 4;

/**
 * Every offset where a gzip member header as `gzip -n` writes it (no name, no time) starts
 * (1f 8b, deflate, no flags, mtime 0, XFL 0/2/4, Unix) — the pattern install.sh greps for.
 */
export function gzipMemberStarts(data: Buffer): number[] {
  const starts: number[] = [];
  const head = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]);
  for (let at = data.indexOf(head); at !== -1; at = data.indexOf(head, at + 1)) {
    if ([0x00, 0x02, 0x04].includes(data[at + 8]!) && data[at + 9] === 0x03) starts.push(at);
  }
  return starts;
}

/**
 * A tar as `members` gzip members (`gzip -6 -n`) of about equal input, concatenated (RFC 1952 §2.2: a gzip file
 * is a series of members). Throws when a member header's pattern also occurs inside the
 * compressed data, which would mislead the installer's parallel decode (about 2^-64 per byte).
 */
export function gzipInMembers(tar: Buffer, members: number): Buffer {
  const step = Math.ceil(tar.length / members);
  const parts: Buffer[] = [];
  const expected: number[] = [];
  let offset = 0;
  for (let at = 0; at < tar.length; at += step) {
    // GNU gzip rather than node:zlib: its deflate makes the runtime about 1 MB (2.4 %) smaller.
    const part = execFileSync('gzip', ['-6', '-n', '-c'], {
      input: tar.subarray(at, at + step),
      maxBuffer: 2 * step + 65_536,
    });
    expected.push(offset);
    offset += part.length;
    parts.push(part);
  }
  const out = Buffer.concat(parts);
  const found = gzipMemberStarts(out);
  if (found.join() !== expected.join()) {
    throw new Error(`gzip member headers at ${found.join(',')}, expected only at ${expected.join(',')}`);
  }
  return out;
}

/** A cached runtime tarball of an older build (one gzip member) is built again. */
function isCurrentRuntime(path: string): boolean {
  return existsSync(path) && gzipMemberStarts(readFileSync(path)).length === RUNTIME_GZIP_MEMBERS;
}

/** `node-v<version>-linux-<arch>.tar.gz` with `bin/node`, built once and kept in the cache. */
export async function runtimeTarball(arch: Arch, nodeVersion: string): Promise<string> {
  const name = `node-v${nodeVersion}-linux-${arch}.tar.gz`;
  const out = join(runtimeDir, name);
  if (isCurrentRuntime(out)) return out;
  const binary = await nodeBinary(arch, nodeVersion);
  const stage = join(runtimeDir, `.stage-${arch}-${process.pid}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, 'bin'), { recursive: true });
  try {
    await run('cp', [binary, join(stage, 'bin/node')]);
    await run('chmod', ['0755', join(stage, 'bin/node')]);
    // Fixed order, times and owners, and gzip -n (no name or time): the same binary always gives
    // the same bytes.
    await run('tar', [
      '--sort=name',
      '--mtime=@0',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '-C',
      stage,
      '-cf',
      join(stage, 'runtime.tar'),
      'bin',
    ]);
    await writeFile(
      `${out}.tmp`,
      gzipInMembers(readFileSync(join(stage, 'runtime.tar')), RUNTIME_GZIP_MEMBERS),
    );
    renameSync(`${out}.tmp`, out);
  } finally {
    rmSync(stage, { recursive: true, force: true });
    rmSync(`${out}.tmp`, { force: true });
  }
  return out;
}

async function entry(
  path: string,
  base: string,
  fields: Omit<ReleaseFile, 'sha256' | 'size' | 'path'>,
): Promise<ReleaseFile> {
  return { ...fields, sha256: await sha256File(path), size: statSync(path).size, path: relative(base, path) };
}

/** Builds the bundle and runtimes and writes the manifest. Returns the manifest and its path. */
export async function buildAgentRelease(
  opts: {
    version?: string;
    outDir?: string;
    arches?: readonly Arch[];
    progress?: (line: string) => void;
  } = {},
): Promise<{ manifest: BuildManifest; manifestPath: string }> {
  const version = opts.version ?? agentPackageVersion();
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
    throw new Error(`version must look like 1.2.3 or 1.2.3-rc.1, got ${version}`);
  }
  const outDir = opts.outDir ?? defaultAgentOut;
  const arches = opts.arches ?? ARCHES;
  const say = opts.progress ?? (() => {});
  const nodeVersion = runtimeNodeVersion();
  mkdirSync(outDir, { recursive: true });
  mkdirSync(runtimeDir, { recursive: true });

  const bundle = join(outDir, 'kombify-agent.mjs');
  say(`bundling the agent ${version} (esbuild)`);
  await bundleAgent({ version, outfile: bundle });
  const files: ReleaseFile[] = [
    await entry(bundle, outDir, {
      name: `kombify-agent-${version}.mjs`,
      kind: 'agent',
      os: 'any',
      arch: 'any',
    }),
  ];
  for (const arch of arches) {
    const cached = isCurrentRuntime(join(runtimeDir, `node-v${nodeVersion}-linux-${arch}.tar.gz`));
    say(`Node ${nodeVersion} runtime for linux-${arch}${cached ? ' (cached)' : ' (first build: ~10 s)'}`);
    const tarball = await runtimeTarball(arch, nodeVersion);
    files.push(
      await entry(tarball, outDir, {
        name: `node-v${nodeVersion}-linux-${arch}.tar.gz`,
        kind: 'runtime',
        os: 'linux',
        arch,
      }),
    );
  }
  const manifest: BuildManifest = { version, node_version: nodeVersion, files };
  const manifestPath = join(outDir, 'manifest.json');
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, manifestPath };
}

/** Reads a build manifest and resolves each file's local path. */
export function readBuildManifest(
  manifestPath: string,
): Omit<BuildManifest, 'files'> & { files: (ReleaseFile & { abs: string })[] } {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as BuildManifest;
  return {
    ...manifest,
    files: manifest.files.map((f) => ({ ...f, abs: join(dirname(manifestPath), f.path) })),
  };
}
