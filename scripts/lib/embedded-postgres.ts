/**
 * The embedded database for `npm start` and tests: PGlite (Postgres in WASM) served over the
 * Postgres wire protocol, so the edge uses exactly the driver code path it uses against Neon.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

/** dataDir: a folder for the database files, or undefined for an in-memory database. */
export async function startEmbeddedPostgres(opts: {
  dataDir?: string;
  port?: number;
}): Promise<EmbeddedPostgres> {
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const db = await PGlite.create(opts.dataDir ?? 'memory://');
  const port = opts.port ?? 0;
  // idleTimeout reclaims slots of clients that vanished without closing (a cancelled request).
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port,
    maxConnections: 256,
    idleTimeout: 120_000,
  });
  await server.start();
  const bound = Number.parseInt(server.getServerConn().split(':').pop() ?? '', 10);
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${bound}/postgres`,
    host: '127.0.0.1',
    port: bound,
    close: async () => {
      await server.stop();
      await db.close();
    },
  };
}
