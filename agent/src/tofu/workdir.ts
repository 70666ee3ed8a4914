/**
 * Working directories for OpenTofu runs: `<data dir>/stacks/<stack>/<workspace>/`. A plan writes
 * the stack's files there (and removes files an earlier plan wrote that are no longer given); the
 * saved plan, `.terraform/` and local state stay between runs, so `apply` finds what `plan` left.
 * Runs in one directory take turns: two jobs for the same stack never interleave on this node.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { tofuFileName } from '@kombify/proto/jobs';

/** The saved plan `plan` writes and `apply` applies. */
export const PLAN_FILE = 'kombify.tfplan';
/** Which files the last plan wrote, so the next one can remove those it no longer gets. */
const MANIFEST = '.kombify-files.json';

export function stackWorkDir(dataDir: string, stack: string, workspace: string): string {
  const root = resolve(dataDir, 'stacks');
  const dir = resolve(root, stack, workspace);
  // The params schema already refuses separators and "..": this is the second lock on the door.
  const plain = (s: string) => /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(s) && !s.includes('..');
  if (!plain(stack) || !plain(workspace) || !dir.startsWith(root + sep)) {
    throw new Error(`refusing a working directory outside ${root}: ${stack}/${workspace}`);
  }
  return dir;
}

function previousFiles(dir: string): string[] {
  try {
    const list = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as unknown;
    return Array.isArray(list) ? list.filter((n): n is string => typeof n === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Writes `files` into `dir` (each by write-then-rename, so a crash never leaves half a file) and
 * removes what the previous call wrote that is not in `files` now. `generated` are the agent's own
 * files (the backend block), allowed names the job's files cannot take.
 */
export function syncFiles(
  dir: string,
  files: Record<string, string>,
  generated: Record<string, string> = {},
): { written: string[]; removed: string[] } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const name of Object.keys(files)) {
    if (!tofuFileName.safeParse(name).success) throw new Error(`refusing file name ${JSON.stringify(name)}`);
  }
  const all = { ...files, ...generated };
  const names = Object.keys(all).sort();
  const removed: string[] = [];
  for (const old of previousFiles(dir)) {
    if (all[old] !== undefined || old.includes('/') || old.startsWith('.')) continue;
    rmSync(join(dir, old), { force: true });
    removed.push(old);
  }
  for (const name of names) {
    const tmp = join(dir, `.${name}.tmp`);
    writeFileSync(tmp, all[name]!, { mode: 0o600 });
    renameSync(tmp, join(dir, name));
  }
  writeFileSync(join(dir, MANIFEST), JSON.stringify(names), { mode: 0o600 });
  return { written: names, removed };
}

/** SHA-256 (hex) of a file, or null when it does not exist. */
export async function fileSha256(path: string): Promise<string | null> {
  try {
    return createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

const turns = new Map<string, Promise<unknown>>();

/** Runs `fn` when every earlier run in `dir` has finished. */
export async function inWorkDir<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const before = turns.get(dir) ?? Promise.resolve();
  const mine = before.then(fn, fn);
  const settled = mine.catch(() => {});
  turns.set(dir, settled);
  try {
    return await mine;
  } finally {
    if (turns.get(dir) === settled) turns.delete(dir);
  }
}
