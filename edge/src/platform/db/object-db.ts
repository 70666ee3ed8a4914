/** Database access from a Durable Object: a pool per call, closed after the object's turn. */
import type { Config } from '../config.ts';
import { ApiError } from '../errors.ts';
import { type Db, openDb } from './client.ts';

export async function withObjectDb<T>(
  config: Pick<Config, 'DATABASE_URL' | 'DATABASE_WS_PROXY'>,
  waitUntil: (promise: Promise<unknown>) => void,
  fn: (db: Db) => Promise<T>,
): Promise<T> {
  if (!config.DATABASE_URL) throw new ApiError('SERVICE_UNAVAILABLE', 'database is not configured');
  const { db, close } = openDb({ databaseUrl: config.DATABASE_URL, wsProxy: config.DATABASE_WS_PROXY });
  try {
    return await fn(db);
  } finally {
    waitUntil(close());
  }
}
