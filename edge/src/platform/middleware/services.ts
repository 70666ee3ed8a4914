import { createMiddleware } from 'hono/factory';
import { loadConfig } from '../config.ts';
import { type Db, openDb } from '../db/client.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';

/** Per-request services: validated config and a lazily opened database pool, closed afterwards. */
export const services = createMiddleware<AppEnv>(async (c, next) => {
  const config = loadConfig(c.env);
  c.set('config', config);
  let opened: { db: Db; close: () => Promise<void> } | null = null;
  c.set('db', () => {
    if (!config.DATABASE_URL)
      throw new ApiError('SERVICE_UNAVAILABLE', 'database is not configured (DATABASE_URL)');
    opened ??= openDb({ databaseUrl: config.DATABASE_URL, wsProxy: config.DATABASE_WS_PROXY });
    return opened.db;
  });
  try {
    await next();
  } finally {
    if (opened) c.executionCtx.waitUntil((opened as { close: () => Promise<void> }).close());
  }
});
