/**
 * Files a stack's services mount (issue 16): the agent writes them on the node and binds each one
 * read-only at its path in the container.
 *
 * - Plain files go to the stack's own directory, `<stacks dir>/<stack>/files/<sha256>/<name>`:
 *   content-addressed, so a running container's file is never rewritten under it, and a changed
 *   file is a new path (the spec hash has changed too, so exactly its containers are re-created).
 * - Secret files go to `<secrets dir>/<stack>/<container>/<sha256 of the path>`, which must be a
 *   tmpfs (a value never touches a disk), mode 0400 unless the plan says otherwise, owned by the
 *   service's numeric user when it runs as one (else root).
 *
 * Both directories belong to the stack: stack.remove deletes them, and a converge prunes what no
 * service of the node mounts any more.
 */
import { chownSync, existsSync, mkdirSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ConvergeService } from '@kombify/proto/jobs';
import { writeFileAtomic } from '../../files.ts';
import { JobFailure } from '../job-error.ts';
import { sha256 } from './spec-hash.ts';

/** Linux's statfs f_type for tmpfs (linux/magic.h). */
const TMPFS_MAGIC = 0x01021994;

export interface FileDirs {
  /** Plain files: a stack-owned directory on the node's disk. */
  stacks: string;
  /** Secret files: a tmpfs. */
  secrets: string;
}

export function fileDirs(env: NodeJS.ProcessEnv = process.env): FileDirs {
  return {
    stacks: env.KOMBIFY_STACKS_DIR ?? '/var/lib/kombify/stacks',
    secrets: env.KOMBIFY_SECRETS_DIR ?? '/run/kombify/secrets',
  };
}

/** A numeric `uid` or `uid:gid` the secret file is owned by; a user name stays root-owned. */
function owner(user: string | undefined): { uid: number; gid: number } | null {
  const match = user ? /^(\d+)(?::(\d+))?$/.exec(user) : null;
  if (!match) return null;
  const uid = Number(match[1]);
  return { uid, gid: match[2] === undefined ? uid : Number(match[2]) };
}

function requireTmpfs(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (statfsSync(dir).type !== TMPFS_MAGIC) {
    throw new JobFailure(
      'secrets_dir_not_tmpfs',
      `secret files go to ${dir}, which is not a tmpfs on this node; mount one there (or set KOMBIFY_SECRETS_DIR to a tmpfs) so secret values never reach a disk`,
    );
  }
}

/**
 * Writes the service's files and returns their binds. `values` holds the job's fetched secrets;
 * a secret file whose value is missing is a job failure (the edge checks before sending).
 */
export function placeFiles(
  dirs: FileDirs,
  stack: string,
  service: ConvergeService,
  values: Readonly<Record<string, string>>,
): string[] {
  const binds: string[] = [];
  for (const f of service.files ?? []) {
    let host: string;
    if (f.content !== undefined) {
      host = join(dirs.stacks, stack, 'files', sha256(f.content), basename(f.path));
      if (!existsSync(host)) writeFileAtomic(host, f.content, f.mode ?? 0o444);
    } else {
      const value = f.secret ? values[f.secret] : undefined;
      if (value === undefined) {
        throw new JobFailure(
          'secret_unavailable',
          `service ${service.service}: the value of secret ${f.secret} for ${f.path} was not delivered`,
        );
      }
      const dir = join(dirs.secrets, stack, service.name);
      requireTmpfs(dirs.secrets);
      host = join(dir, sha256(f.path));
      writeFileAtomic(host, value, f.mode ?? 0o400);
      const who = owner(service.user);
      if (who) chownSync(host, who.uid, who.gid);
    }
    binds.push(`${host}:${f.path}:ro`);
  }
  return binds;
}

/** Removes plain files no desired service mounts and secret dirs of containers no longer desired. */
export function pruneFiles(dirs: FileDirs, stack: string, services: readonly ConvergeService[]): void {
  const keepHashes = new Set(
    services.flatMap((s) =>
      (s.files ?? []).flatMap((f) => (f.content !== undefined ? [sha256(f.content)] : [])),
    ),
  );
  const keepNames = new Set(services.filter((s) => (s.files ?? []).some((f) => f.secret)).map((s) => s.name));
  const sweep = (dir: string, keep: Set<string>) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir))
      if (!keep.has(entry)) rmSync(join(dir, entry), { recursive: true, force: true });
  };
  sweep(join(dirs.stacks, stack, 'files'), keepHashes);
  sweep(join(dirs.secrets, stack), keepNames);
}

/** stack.remove: the stack's files and secret files go with it. */
export function removeStackFiles(dirs: FileDirs, stack: string): void {
  rmSync(join(dirs.stacks, stack), { recursive: true, force: true });
  rmSync(join(dirs.secrets, stack), { recursive: true, force: true });
}
