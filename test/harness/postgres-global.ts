/**
 * Vitest global setup for the projects that talk to a PostgreSQL server (db, e2e): unless
 * KOMBIFY_TEST_POSTGRES_URL already names one, a real PostgreSQL from npm is started for the run
 * (scripts/lib/postgres-server.ts, a scratch cluster) and its URL set in KOMBIFY_TEST_POSTGRES_URL
 * before the test workers start, so they inherit it. Stopped and deleted when the run ends.
 */
import { startPostgresServer } from '../../scripts/lib/postgres-server.ts';

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.KOMBIFY_TEST_POSTGRES_URL) return undefined;
  const started = Date.now();
  const server = await startPostgresServer({ database: 'kombify_test' });
  process.env.KOMBIFY_TEST_POSTGRES_URL = server.url;
  process.stdout.write(`[test] PostgreSQL from npm on port ${server.port} (${Date.now() - started} ms)\n`);
  return async () => {
    await server.close();
  };
}
