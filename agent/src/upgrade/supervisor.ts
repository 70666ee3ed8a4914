/**
 * `kombify-agent run` on an installed node: a small supervisor that runs the agent of
 * `<prefix>/current` as its child and starts it again when it exits for an upgrade (code 75).
 * After an upgrade it waits for the new version to confirm it reached the edge; if it does not
 * within KOMBIFY_AGENT_UPGRADE_CONFIRM_SECONDS (60), or exits first, the supervisor switches
 * `current` back to the version that ran before and starts that one.
 *
 * It imports nothing heavy (it starts before every agent, and stays up under systemd or as the
 * installer's foreground process), forwards SIGTERM/SIGINT, and restarts a crashed agent after a
 * short backoff. SIGHUP restarts the agent (`kombify-agent upgrade` uses it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../files.ts';
import { log } from '../log.ts';
import { currentEntry, installLayout, type Layout, rollBack } from './layout.ts';
import { EXIT_RESTART } from './runtime.ts';
import { readUpgradeState, type UpgradeState, writeUpgradeState } from './upgrade-state.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function confirmSeconds(): number {
  const value = Number(process.env.KOMBIFY_AGENT_UPGRADE_CONFIRM_SECONDS ?? 60);
  return Number.isFinite(value) && value > 0 ? value : 60;
}

export function supervisorPidFile(dataDir: string): string {
  return join(dataDir, 'supervisor.pid');
}

/** True when `run` should supervise: an installed agent that is not itself the supervised child. */
export function shouldSupervise(args: readonly string[]): boolean {
  return args[0] === 'run' && !process.env.KOMBIFY_AGENT_SUPERVISED && installLayout() !== null;
}

function exited(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode ?? 1);
    else child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const done = exited(child);
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await done;
  clearTimeout(timer);
}

/** Resolves true once the pending upgrade is confirmed, false when the deadline passes. */
async function confirmation(dataDir: string, deadline: number, cancelled: () => boolean): Promise<boolean> {
  while (Date.now() < deadline && !cancelled()) {
    if (readUpgradeState(dataDir)?.state === 'confirmed') return true;
    await sleep(250);
  }
  return readUpgradeState(dataDir)?.state === 'confirmed';
}

function rollBackUpgrade(layout: Layout, dataDir: string, state: UpgradeState, reason: string): void {
  log.error('upgrade failed; rolling back', { from: state.to, to: state.from, reason });
  rollBack(layout, state.from);
  writeUpgradeState(dataDir, { ...state, state: 'rolled_back', reason });
}

export async function supervise(args: readonly string[], dataDir: string): Promise<number> {
  const layout = installLayout()!;
  writeFileAtomic(supervisorPidFile(dataDir), `${process.pid}\n`, 0o600);
  let stopping = false;
  let restartRequested = false;
  let child: ChildProcess | null = null;
  const stop = () => {
    stopping = true;
    child?.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', () => {
    log.info('restarting the agent (SIGHUP)');
    restartRequested = true;
    child?.kill('SIGTERM');
  });

  let crashes = 0;
  try {
    while (!stopping) {
      const pending = readUpgradeState(dataDir);
      const watching = pending?.state === 'pending' ? pending : null;
      const { node, bundle } = currentEntry(layout);
      const started = Date.now();
      child = spawn(node, [bundle, ...args], {
        stdio: 'inherit',
        env: { ...process.env, KOMBIFY_AGENT_SUPERVISED: '1' },
      });
      child.once('error', (error) => log.error('could not start the agent', { reason: error.message }));
      const exit = exited(child);
      if (watching) {
        const seconds = confirmSeconds();
        log.info('waiting for the upgraded agent to come online', { version: watching.to, seconds });
        let over = false;
        void exit.then(() => {
          over = true;
        });
        const confirmed = await confirmation(dataDir, started + seconds * 1000, () => over || stopping);
        if (!confirmed && !stopping) {
          const reason = over
            ? `agent ${watching.to} exited (code ${await exit}) before it came online`
            : `agent ${watching.to} did not come online within ${seconds} s`;
          if (!over) await stopChild(child, 'SIGKILL');
          rollBackUpgrade(layout, dataDir, watching, reason);
          continue;
        }
        if (confirmed) log.info('upgrade confirmed: the new agent is online', { version: watching.to });
      }
      const code = await exit;
      if (stopping) return code === EXIT_RESTART ? 0 : code;
      if (code === EXIT_RESTART || restartRequested) {
        restartRequested = false;
        crashes = 0;
        continue;
      }
      if (code === 0) return 0;
      crashes = Date.now() - started > 60_000 ? 1 : crashes + 1;
      const delay = Math.min(1000 * 2 ** (crashes - 1), 30_000);
      log.warn('the agent exited; starting it again', { code, retry_in_ms: delay });
      await sleep(delay);
    }
    return 0;
  } finally {
    rmSync(supervisorPidFile(dataDir), { force: true });
  }
}

/** The supervisor's own entry: the same flags as `run`, read without loading the agent. */
export async function superviseMain(args: readonly string[]): Promise<number> {
  const { parseArgs } = await import('node:util');
  const os = await import('node:os');
  const { values } = parseArgs({ args: [...args], strict: false, allowPositionals: true });
  const dataDir =
    (typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined) ??
    process.env.KOMBIFY_AGENT_DATA_DIR ??
    (process.getuid?.() === 0 ? '/var/lib/kombify-agent' : join(os.homedir(), '.kombify-agent'));
  return supervise(args, dataDir);
}
