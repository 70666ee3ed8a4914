import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '../../scripts/lib/ports.ts';
import { webServerCommand } from '../../scripts/lib/web-build.ts';

export type StartWebOptions = {
  /** Base URL of the edge the web server calls (`KOMBIFY_EDGE_URL`) on the signed-in user's behalf. */
  edgeUrl: string;
  /** Port on 127.0.0.1; a free one is picked when absent. */
  port?: number;
  /** How long to wait for the first page render, in ms. Default 60 000. */
  timeoutMs?: number;
  /** `built` (default, as npm start): the production server (scripts/lib/web-build.ts); `dev`: vite dev, as npm run dev. */
  mode?: 'dev' | 'built';
};

export type WebServer = { url: string; stop(): Promise<void> };

/**
 * Starts the web server (the production build, building it first if the sources changed, or
 * `vite dev` in `web/`) as its own process group and resolves once it has rendered `/` once, so
 * the first test does not pay a dev server's on-demand compile. `stop()` ends the whole group. The
 * server's output is kept and included in the error if it fails to start.
 */
export async function startWeb(opts: StartWebOptions): Promise<WebServer> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const built = (opts.mode ?? 'built') === 'built';
  const command = await webServerCommand({ dev: !built, port, edgeUrl: opts.edgeUrl });
  const child = spawn(command.node, command.args, {
    cwd: command.cwd,
    env: { ...process.env, ...command.env },
    detached: true, // own process group, so stop() reaches Vite and anything it spawned
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await waitForPage(url, child, opts.timeoutMs ?? 60_000);
  } catch (err) {
    await stop();
    throw new Error(
      `web server (${built ? 'built' : 'vite dev'}) did not start at ${url}: ${(err as Error).message}\n--- output ---\n${output}`,
    );
  }
  return { url, stop };
}

async function waitForPage(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`process exited (${child.exitCode ?? child.signalCode})`);
    }
    try {
      const res = await fetch(`${url}/`, { signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) });
      await res.arrayBuffer();
      if (res.ok) return;
      throw new Error(`GET / answered HTTP ${res.status}`);
    } catch (err) {
      if (Date.now() >= deadline) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
