/** API keys: stored as SHA-256 hashes; the clear key is shown once, when it is made. */
import { eq, sql } from 'drizzle-orm';
import type { Db } from './client.ts';
import { apiKeys } from './schema.ts';

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export async function findApiKeyByHash(db: Db, hash: string): Promise<ApiKeyRow | null> {
  const rows = await db.select().from(apiKeys).where(eq(apiKeys.hash, hash)).limit(1);
  return rows[0] ?? null;
}

export async function insertApiKey(db: Db, key: typeof apiKeys.$inferInsert): Promise<void> {
  await db.insert(apiKeys).values(key);
}

export async function touchApiKey(db: Db, id: string): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, id));
}
