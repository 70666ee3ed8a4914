/**
 * Runs one OpenTofu command as a child process and hands over its output line by line.
 *
 * Cancelling sends SIGINT to the child's process group first, as Ctrl-C would: OpenTofu then stops
 * after the operation in flight, writes its state and releases the state lock. Only if it has not
 * exited after `graceMs` does it get SIGTERM, and SIGKILL after that — a killed run can leave the
 * lock held (then `force-unlock` is the way out).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface TofuRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  cancelled: boolean;
  /** The last few KB of stderr, for the failure message. */
  stderrTail: string;
}

export interface RunOptions {
  cwd: string;
  env: Record<string, string>;
  signal: AbortSignal;
  onStdout(line: string): void;
  onStderr(line: string): void;
  /** Strings that must never reach a log (the backend password): replaced by "***". */
  secrets?: string[];
  graceMs?: number;
}

export function redact(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const s of secrets) if (s.length >= 4) out = out.replaceAll(s, '***');
  return out;
}

export function runTofu(binary: string, args: string[], opts: RunOptions): Promise<TofuRun> {
  const secrets = opts.secrets ?? [];
  const graceMs = opts.graceMs ?? 30_000;
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) {
      resolve({ code: null, signal: null, cancelled: true, stderrTail: '' });
      return;
    }
    // Its own process group, so a cancel reaches OpenTofu and the provider plugins it started.
    const child = spawn(binary, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stderrTail = '';
    let cancelled = false;
    const timers: NodeJS.Timeout[] = [];
    const signalGroup = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {}
    };
    const onAbort = () => {
      cancelled = true;
      signalGroup('SIGINT');
      timers.push(setTimeout(() => signalGroup('SIGTERM'), graceMs));
      timers.push(setTimeout(() => signalGroup('SIGKILL'), graceMs + 10_000));
    };
    opts.signal.addEventListener('abort', onAbort, { once: true });

    const out = createInterface({ input: child.stdout });
    out.on('line', (line) => opts.onStdout(redact(line, secrets)));
    const err = createInterface({ input: child.stderr });
    err.on('line', (line) => {
      const clean = redact(line, secrets);
      stderrTail = `${stderrTail}${clean}\n`.slice(-4000);
      opts.onStderr(clean);
    });
    // Wait for both line readers as well as the exit, so no output line is lost.
    const drained = Promise.all([
      new Promise((r) => out.once('close', r)),
      new Promise((r) => err.once('close', r)),
    ]);

    child.once('error', (error) => {
      opts.signal.removeEventListener('abort', onAbort);
      for (const t of timers) clearTimeout(t);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      opts.signal.removeEventListener('abort', onAbort);
      for (const t of timers) clearTimeout(t);
      void drained.then(() => resolve({ code, signal, cancelled, stderrTail }));
    });
  });
}
