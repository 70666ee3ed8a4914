/**
 * The web app's production build (`vite build`, nitro's Node server) for `npm start`, browser
 * tests and the `web` benchmark, kept in `.kombify/web-build/<hash>` per version of its sources, so
 * it is made once per change (~20 s). Served instead of `vite dev`: no on-demand compiles, no
 * mid-visit reloads when Vite discovers a dependency, and it is what production serves.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { repoRoot } from './service.ts';

const WEB_DIR = join(repoRoot, 'web');
const CACHE = join(repoRoot, '.kombify', 'web-build');
/** @solidjs/start 2 needs Node ≥ 24: the repo's Node, not whatever runs the caller. */
const NODE_BIN = existsSync(join(repoRoot, 'node_modules', '.bin', 'node'))
  ? join(repoRoot, 'node_modules', '.bin', 'node')
  : process.execPath;
const VITE_BIN = join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
/** What the build reads: the app, the shared API schemas, the spec's JSON Schemas, and the locked dependencies. */
const INPUTS = [
  'web/src',
  'web/public',
  'web/build',
  'web/vite.config.ts',
  'web/tsconfig.json',
  'web/package.json',
  'proto/src',
  'proto/gen',
  'stackkits/schema',
  'stackkits/package.json',
  'package-lock.json',
];

export interface WebBuild {
  /** The nitro output folder: `server/index.mjs` and `public/`. */
  dir: string;
  /** Seconds `vite build` took, or null when this version of the sources was built before. */
  builtSeconds: number | null;
}

let pending: Promise<WebBuild> | undefined;

/** The build for the current sources, made once (concurrent callers in a process share it). */
export function webBuild(): Promise<WebBuild> {
  pending ??= buildOnce().finally(() => {
    pending = undefined;
  });
  return pending;
}

/**
 * How to run the web server on 127.0.0.1:`port`, calling the edge at `edgeUrl`: the production
 * build (made first if its sources changed) or, with `dev`, `vite dev` with hot reload.
 */
export async function webServerCommand(opts: { dev: boolean; port: number; edgeUrl: string }) {
  const build = opts.dev ? null : await webBuild();
  const args = build
    ? [join(build.dir, 'server', 'index.mjs')]
    : [VITE_BIN, 'dev', '--host', '127.0.0.1', '--port', String(opts.port), '--strictPort'];
  return {
    node: NODE_BIN,
    args,
    cwd: WEB_DIR,
    env: { KOMBIFY_EDGE_URL: opts.edgeUrl, PORT: String(opts.port), HOST: '127.0.0.1' },
    build,
  };
}

async function buildOnce(): Promise<WebBuild> {
  const dir = join(CACHE, await sourceHash());
  if (existsSync(join(dir, 'server', 'index.mjs'))) return { dir, builtSeconds: null };
  // Built next to its final place and renamed, so a killed build never looks finished; another
  // process that won the same race leaves its (identical) build in place.
  const tmp = `${dir}.${process.pid}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(CACHE, { recursive: true });
  const started = performance.now();
  // NODE_ENV: vitest sets `test`, which makes SolidStart bundle its dev error viewer.
  const env: NodeJS.ProcessEnv = { ...process.env, KOMBIFY_WEB_OUT_DIR: tmp, NODE_ENV: 'production' };
  delete env.NITRO_PRESET; // nitro's default: the Node server
  await run(NODE_BIN, [VITE_BIN, 'build'], env);
  const builtSeconds = (performance.now() - started) / 1000;
  try {
    await rename(tmp, dir);
  } catch (err) {
    if (!existsSync(join(dir, 'server', 'index.mjs'))) throw err;
    await rm(tmp, { recursive: true, force: true });
  }
  await pruneOthers(dir);
  return { dir, builtSeconds };
}

async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const input of INPUTS) {
    for (const file of await filesUnder(join(repoRoot, input))) {
      hash
        .update(relative(repoRoot, file))
        .update('\0')
        .update(await readFile(file))
        .update('\0');
    }
  }
  return hash.digest('hex').slice(0, 16);
}

async function filesUnder(path: string): Promise<string[]> {
  if (!existsSync(path)) return [];
  const entries = await readdir(path, { withFileTypes: true }).catch(() => null);
  if (entries === null) return [path]; // a file
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    out.push(...(await filesUnder(join(path, e.name))));
  }
  return out;
}

/**
 * Builds of older sources are of no further use once nothing serves them: those an hour old go,
 * and half-made ones whose builder is gone. (A test run in another checkout of the same sources
 * may still serve a recent one.)
 */
async function pruneOthers(keep: string): Promise<void> {
  const hourAgo = Date.now() - 3600_000;
  for (const name of await readdir(CACHE)) {
    const path = join(CACHE, name);
    if (path === keep) continue;
    const builder = /\.(\d+)\.tmp$/.exec(name)?.[1];
    const gone = builder ? !alive(Number(builder)) : (await stat(path)).mtimeMs < hourAgo;
    if (gone) await rm(path, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: WEB_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`vite build failed (${code ?? signal}):\n${output}`)),
    );
  });
}
