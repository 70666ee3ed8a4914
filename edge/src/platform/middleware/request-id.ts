import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';
import { randomId } from '../ids.ts';

const acceptable = /^[A-Za-z0-9._-]{8,128}$/;

/** Takes a well-formed incoming X-Request-ID (from a trusted proxy or client) or makes one. */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header('x-request-id');
  const id = incoming && acceptable.test(incoming) ? incoming : randomId('req');
  c.set('requestId', id);
  await next();
  c.header('X-Request-ID', id);
});
