/** A child process run as part of the local product, with prefixed output and group shutdown. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface Service {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Ends a child's whole process group: SIGTERM, then SIGKILL if it is still there after 5 s. */
export async function stopGroup(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {}
  }, 5000);
  await exited;
  clearTimeout(timer);
}

export function runService(opts: {
  name: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string>;
  echo?: boolean;
}): Service {
  const child = spawn(process.execPath, opts.args, {
    cwd: opts.cwd ?? repoRoot,
    env: { ...process.env, PATH: `${repoRoot}node_modules/.bin:${process.env.PATH}`, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const prefix = `[${opts.name}] `;
  const forward = (target: NodeJS.WriteStream) => (chunk: Buffer) => {
    if (opts.echo === false) return;
    target.write(
      chunk
        .toString()
        .replace(/\n(?!$)/g, `\n${prefix}`)
        .replace(/^/, prefix),
    );
  };
  child.stdout?.on('data', forward(process.stdout));
  child.stderr?.on('data', forward(process.stderr));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name: opts.name, child, exited, stop: () => stopGroup(child, exited) };
}
