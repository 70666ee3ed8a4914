import { neonConfig, Pool } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-serverless';
import * as schema from './schema.ts';

export type Db = ReturnType<typeof drizzle<typeof schema>>;

export interface DbConfig {
  /** postgres://… — Neon in production, the embedded PGlite or a local Postgres in development. */
  databaseUrl: string;
  /**
   * host:port of a WebSocket→TCP proxy for a Postgres that does not speak Neon's WebSocket
   * protocol (local development and tests). Unset in production, where Neon answers directly.
   */
  wsProxy?: string | undefined;
}

/**
 * Opens a pool for one request (Workers may not share I/O objects across requests), and returns
 * the drizzle handle plus `close`, to be called when the request is done.
 */
export function openDb(config: DbConfig): { db: Db; close: () => Promise<void> } {
  if (config.wsProxy) {
    const proxy = config.wsProxy;
    neonConfig.wsProxy = (host, port) => `${proxy}/?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    // The local proxy is a plain TCP pipe: no TLS, and Postgres needs the startup handshake
    // in order rather than pipelined the way Neon's own proxy accepts it.
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
  }
  const pool = new Pool({ connectionString: config.databaseUrl, max: 4 });
  // An idle connection closed by the server (or our proxy after Terminate) is reported as an
  // 'error' on the pool; without a listener that would be an uncaught exception. The pool simply
  // opens a new connection for the next query, so there is nothing else to do.
  pool.on('error', () => {});
  return { db: drizzle({ client: pool, schema }), close: () => pool.end() };
}
