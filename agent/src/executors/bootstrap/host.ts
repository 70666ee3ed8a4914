/**
 * What a bootstrap step touches on the node: files under a root prefix ('/' on a node, a temp dir
 * in tests) and commands run through one injected `run`, so every step can be tested without
 * root, systemd, sshd or nftables.
 */
import { execFile } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import type { NodeBootstrapResult } from '@kombify/proto/jobs';
import { writeFileAtomic } from '../../files.ts';

export interface CommandResult {
  /** The exit code; 127 when the program is not installed. */
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program without a shell; never throws for a non-zero exit. */
export type RunCommand = (cmd: string, args: string[]) => Promise<CommandResult>;

const commandTimeoutMs = 60_000;

export const runCommand: RunCommand = (cmd, args) =>
  new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { timeout: commandTimeoutMs, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve({ code: 0, stdout, stderr });
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return resolve({ code: 127, stdout: '', stderr: `${cmd}: not found` });
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr: stderr || error.message });
      },
    );
  });

/** An expected failure of one step, with a reason for people (the job fails naming the step). */
export class StepError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'StepError';
  }
}

/** Files of the node, by their path on the node ('/etc/…'), resolved under the root prefix. */
export class Host {
  readonly root: string;
  readonly run: RunCommand;

  constructor(root: string, run: RunCommand) {
    this.root = root;
    this.run = run;
  }

  path(nodePath: string): string {
    return join(this.root, nodePath);
  }

  /** The file's text, or null when there is none (ENOTDIR: a parent is a file, e.g. /home/x). */
  read(nodePath: string): string | null {
    try {
      return readFileSync(this.path(nodePath), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw error;
    }
  }

  /** System configuration: world-readable, atomic (a crash leaves the old or the new file). */
  write(nodePath: string, text: string, mode = 0o644): void {
    writeFileAtomic(this.path(nodePath), text, mode, 0o755);
  }

  /** Puts back what `read` returned before a change: the old text, or no file. */
  restore(nodePath: string, previous: string | null): void {
    if (previous === null) this.remove(nodePath);
    else this.write(nodePath, previous);
  }

  remove(nodePath: string): void {
    rmSync(this.path(nodePath), { force: true });
  }

  /** Follows links: a link to a missing file does not exist. */
  isFile(nodePath: string): boolean {
    try {
      return statSync(this.path(nodePath)).isFile();
    } catch {
      return false;
    }
  }

  isDirectory(nodePath: string): boolean {
    try {
      return statSync(this.path(nodePath)).isDirectory();
    } catch {
      return false;
    }
  }

  /** The names in a directory; none when it does not exist. */
  list(nodePath: string): string[] {
    try {
      return readdirSync(this.path(nodePath)).sort();
    } catch {
      return [];
    }
  }

  exists(nodePath: string): boolean {
    return existsSync(this.path(nodePath));
  }

  /** A symbolic link's target; null for no file, `''` for a file that is not a link. */
  readLink(nodePath: string): string | null {
    try {
      if (!lstatSync(this.path(nodePath)).isSymbolicLink()) return '';
      return readlinkSync(this.path(nodePath));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /** Points `nodePath` at `target` (a path on the node) by renaming a new link over it. */
  link(nodePath: string, target: string): void {
    const tmp = `${this.path(nodePath)}.kombify-tmp`;
    rmSync(tmp, { force: true });
    symlinkSync(target, tmp);
    renameSync(tmp, this.path(nodePath));
  }
}

/** What one step reports: the result schema's own type. */
export type StepReport = NodeBootstrapResult['steps'][number];

/** Text for a file that is not there, in before/after. */
export const absent = '(absent)';
