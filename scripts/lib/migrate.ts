/** Applies the SQL migrations in /migrations (drizzle-kit's journal) to a database. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { neonConfig } from '@neondatabase/serverless';
import { migrate } from 'drizzle-orm/neon-serverless/migrator';
import ws from 'ws';
import { type DbConfig, openDb } from '../../edge/src/platform/db/client.ts';

const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), '../../migrations');

/** Node has no global WebSocket the Neon driver can use for Postgres; give it `ws`. */
export function useNodeWebSocket(): void {
  neonConfig.webSocketConstructor = ws;
}

export async function migrateDatabase(config: DbConfig): Promise<void> {
  useNodeWebSocket();
  const { db, close } = openDb(config);
  try {
    await migrate(db, { migrationsFolder });
  } finally {
    await close();
  }
}
