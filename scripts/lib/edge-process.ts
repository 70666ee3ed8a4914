/**
 * Runs the edge Worker under `wrangler dev` (workerd, the real Workers runtime) as a child process.
 * Used by `npm start`, the end-to-end tests and the benchmarks.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, waitForHttp } from './ports.ts';
import { stopGroup } from './service.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Run wrangler's JS entry on this Node (24), not whatever `node` the shebang finds first.
const wrangler = `${root}node_modules/wrangler/bin/wrangler.js`;

export interface EdgeProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything wrangler printed, for diagnosing a failed test. */
  output(): string;
  stop(): Promise<void>;
}

export interface EdgeOptions {
  port?: number;
  /** Where Durable Object storage persists (survives restarts of the edge). */
  persistTo: string;
  vars: Record<string, string>;
  /** Print wrangler's output as it comes (npm start) instead of only keeping it. */
  echo?: boolean;
}

export async function startEdge(opts: EdgeOptions): Promise<EdgeProcess> {
  const port = opts.port ?? (await freePort());
  const inspector = await freePort();
  const args = [
    'dev',
    '--config',
    `${root}wrangler.toml`,
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    String(inspector),
    '--persist-to',
    opts.persistTo,
    '--show-interactive-dev-session=false',
    '--log-level',
    process.env.KOMBIFY_EDGE_LOG_LEVEL ?? 'log',
  ];
  for (const [key, value] of Object.entries(opts.vars)) args.push('--var', `${key}:${value}`);
  const child = spawn(process.execPath, [wrangler, ...args], {
    cwd: root,
    env: {
      ...process.env,
      PATH: `${root}node_modules/.bin:${process.env.PATH}`,
      WRANGLER_SEND_METRICS: 'false',
      CI: 'true',
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
    if (opts.echo)
      process.stdout.write(
        chunk
          .toString()
          .replace(/\n(?!$)/g, '\n[edge] ')
          .replace(/^/, '[edge] '),
      );
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const url = `http://127.0.0.1:${port}`;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = () => stopGroup(child, exitedPromise);
  try {
    await waitForHttp(`${url}/health`, 60_000, () => !exited);
  } catch (error) {
    await stop();
    throw new Error(`edge did not start: ${(error as Error).message}\n${output.slice(-4000)}`);
  }
  return { url, port, child, output: () => output, stop };
}
