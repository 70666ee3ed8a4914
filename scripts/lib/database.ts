/**
 * Brings up the database the edge uses: the URL in DATABASE_URL when given, else an embedded one —
 * PGlite (the default: one process, starts in a blink) or, with engine 'postgres', a real
 * PostgreSQL server from npm (postgres-server.ts). A Postgres that does not speak Neon's WebSocket protocol gets a local WebSocket→TCP
 * proxy, so the edge runs the same @neondatabase/serverless code path everywhere.
 */
import type { DbConfig } from '../../edge/src/platform/db/client.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { migrateDatabase } from './migrate.ts';
import { startPostgresServer } from './postgres-server.ts';
import { startWsProxy } from './ws-proxy.ts';

export interface Database {
  config: DbConfig;
  kind: 'embedded' | 'external';
  /** Where it lives, for people: a folder or a host. Never includes a password. */
  description: string;
  close(): Promise<void>;
}

export async function startDatabase(opts: {
  url?: string | undefined;
  wsProxy?: string | undefined;
  dataDir?: string | undefined;
  /** The embedded engine when no url is given (default pglite). */
  engine?: 'pglite' | 'postgres' | undefined;
}): Promise<Database> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const fn of closers.reverse()) await fn().catch(() => {});
  };
  try {
    let url: string;
    let kind: Database['kind'];
    let description: string;
    if (opts.url) {
      url = opts.url;
      kind = 'external';
      const parsed = new URL(url);
      description = `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
    } else if (opts.engine === 'postgres') {
      const pg = await startPostgresServer({ dataDir: opts.dataDir, database: 'kombify' });
      closers.push(pg.close);
      url = pg.url;
      kind = 'embedded';
      description = `PostgreSQL (embedded-postgres) on port ${pg.port}${opts.dataDir ? ` in ${opts.dataDir}` : ''}`;
    } else {
      const pg = await startEmbeddedPostgres({ dataDir: opts.dataDir });
      closers.push(pg.close);
      url = pg.url;
      kind = 'embedded';
      description = opts.dataDir ? `PGlite in ${opts.dataDir}` : 'PGlite in memory';
    }
    let wsProxy = opts.wsProxy;
    const host = new URL(url).hostname;
    if (!wsProxy && !host.endsWith('.neon.tech')) {
      const proxy = await startWsProxy({ target: { host, port: Number(new URL(url).port || 5432) } });
      closers.push(proxy.close);
      wsProxy = proxy.address;
    }
    const config: DbConfig = { databaseUrl: url, wsProxy };
    await migrateDatabase(config);
    return { config, kind, description, close };
  } catch (error) {
    await close();
    throw error;
  }
}
