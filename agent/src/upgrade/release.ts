/**
 * Fetching and staging an agent release, the way the installer does it: the manifest's Ed25519
 * signature is checked with the release key the installer left (never one the edge sends now),
 * every file against the manifest's SHA-256 and size, and only then is anything put in place.
 * A new version is tried (`version`) before it is made current.
 */
import { execFile } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { compareVersions, type ReleaseFile, releaseManifestSchema } from '@kombify/proto/releases';
import { type Layout, readSha } from './layout.ts';

const run = promisify(execFile);

export interface Release {
  version: string;
  agent: ReleaseFile;
  runtime: ReleaseFile;
}

export class ReleaseError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

async function get(url: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  } catch (error) {
    throw new ReleaseError('download_failed', `could not download ${url}: ${(error as Error).message}`);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new ReleaseError(
      res.status === 404 ? 'release_not_found' : 'download_failed',
      `${url} answered ${res.status}`,
    );
  }
  return res;
}

/**
 * The signed manifest of `version` (or the edge's current release), verified. It must be the
 * version asked for, and not older than `installed` (when given: the edge's `agent.upgrade` jobs and
 * the node's plain `kombify-agent upgrade`) unless KOMBIFY_ALLOW_DOWNGRADE=1 is set on the node:
 * an old signed release (with the flaws it was replaced for) is not installed on the edge's word
 * (issue 20, H3, in part). `kombify-agent upgrade --version <v>` on the node may go back.
 */
export async function fetchRelease(
  layout: Layout,
  edgeUrl: string,
  version?: string,
  installed?: string,
): Promise<Release> {
  const keyPath = join(layout.prefix, 'release-key.pem');
  if (!existsSync(keyPath)) {
    throw new ReleaseError('not_upgradable', `${keyPath} is missing: run the installer again to restore it`);
  }
  const manifestUrl = version
    ? `${edgeUrl}/agent/releases/${version}/manifest.json`
    : `${edgeUrl}/agent/manifest.json`;
  const bytes = Buffer.from(await (await get(manifestUrl)).arrayBuffer());
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new ReleaseError('bad_release', `${manifestUrl} is not JSON`);
  }
  // Checked before the signature too: the version goes into the signature's URL.
  const parsed = releaseManifestSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ReleaseError('bad_release', `${manifestUrl} is not a valid release manifest: ${where}`);
  }
  const manifest = parsed.data;
  if (version && manifest.version !== version) {
    throw new ReleaseError(
      'bad_release',
      `asked for release ${version}, the edge sent the manifest of ${manifest.version}`,
    );
  }
  if (
    installed &&
    compareVersions(manifest.version, installed) < 0 &&
    process.env.KOMBIFY_ALLOW_DOWNGRADE !== '1'
  ) {
    throw new ReleaseError(
      'downgrade',
      `release ${manifest.version} is older than the installed ${installed}; set KOMBIFY_ALLOW_DOWNGRADE=1 on this node to go back on purpose`,
    );
  }
  const sigUrl = `${edgeUrl}/agent/releases/${manifest.version}/manifest.json.sig`;
  const signature = Buffer.from((await (await get(sigUrl)).text()).trim(), 'base64');
  const key = createPublicKey(readFileSync(keyPath, 'utf8'));
  if (!verify(null, bytes, key, signature)) {
    throw new ReleaseError(
      'signature_mismatch',
      `the signature of release ${manifest.version} does not match this node's release key`,
    );
  }
  const agent = manifest.files.find((f) => f.kind === 'agent');
  const runtime = manifest.files.find(
    (f) => f.kind === 'runtime' && f.os === 'linux' && f.arch === process.arch,
  );
  if (!agent) throw new ReleaseError('bad_release', 'the release has no agent bundle');
  if (!runtime) {
    throw new ReleaseError(
      'bad_release',
      `release ${manifest.version} has no Node runtime for linux-${process.arch}`,
    );
  }
  return { version: manifest.version, agent, runtime };
}

/** Downloads a file to `dest`, hashing it on the way; a mismatch deletes it and throws. */
async function download(edgeUrl: string, file: ReleaseFile, dest: string): Promise<void> {
  const res = await get(`${edgeUrl}/agent/files/${file.name}`);
  const hash = createHash('sha256');
  let size = 0;
  await pipeline(
    Readable.fromWeb(res.body as import('node:stream/web').ReadableStream),
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    }),
    createWriteStream(dest, { mode: 0o644 }),
  );
  const sha = hash.digest('hex');
  if (sha !== file.sha256 || size !== file.size) {
    rmSync(dest, { force: true });
    throw new ReleaseError(
      'checksum_mismatch',
      `checksum mismatch for ${file.name}: the signed manifest says sha256 ${file.sha256} (${file.size} bytes), the download is ${sha} (${size} bytes)`,
    );
  }
}

/**
 * Puts a verified release into versions/<v> (and its runtime into runtimes/, unless that one is
 * already there) and checks the new bundle runs on it. Does not make it current.
 */
export async function stageRelease(layout: Layout, edgeUrl: string, release: Release): Promise<void> {
  const { prefix } = layout;
  const work = join(prefix, `.upgrade.${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const runtimeDir = release.runtime.name.replace(/\.tar\.gz$/, '');
    const runtimePath = join(prefix, 'runtimes', runtimeDir);
    if (readSha(join(runtimePath, '.sha256')) !== release.runtime.sha256) {
      await download(edgeUrl, release.runtime, join(work, release.runtime.name));
      const unpacked = join(work, 'runtime');
      mkdirSync(unpacked);
      await run('tar', ['-xzf', join(work, release.runtime.name), '-C', unpacked]);
      if (!existsSync(join(unpacked, 'bin/node'))) {
        throw new ReleaseError('bad_release', `${release.runtime.name} has no bin/node`);
      }
      writeFileSync(join(unpacked, '.sha256'), `${release.runtime.sha256}\n`);
      rmSync(runtimePath, { recursive: true, force: true });
      renameSync(unpacked, runtimePath);
    }
    const stage = join(work, 'version');
    mkdirSync(stage);
    await download(edgeUrl, release.agent, join(stage, 'kombify-agent.mjs'));
    writeFileSync(join(stage, '.sha256'), `${release.agent.sha256}\n`);
    symlinkSync(`../../runtimes/${runtimeDir}`, join(stage, 'runtime'));
    // A bundle that cannot even say its version is never made current.
    const { stdout } = await run(
      join(stage, 'runtime/bin/node'),
      [join(stage, 'kombify-agent.mjs'), 'version'],
      {
        timeout: 30_000,
      },
    ).catch((error: Error) => {
      throw new ReleaseError(
        'bad_release',
        `the new agent ${release.version} does not run: ${error.message}`,
      );
    });
    if (stdout.trim() !== release.version) {
      throw new ReleaseError(
        'bad_release',
        `the new bundle says it is ${stdout.trim()}, not ${release.version}`,
      );
    }
    const target = join(prefix, 'versions', release.version);
    if (existsSync(target)) {
      rmSync(`${target}.previous`, { recursive: true, force: true });
      renameSync(target, `${target}.previous`);
    }
    renameSync(stage, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
