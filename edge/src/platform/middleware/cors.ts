import type { MiddlewareHandler } from 'hono';
import { cors as honoCors } from 'hono/cors';
import type { AppEnv } from '../env.ts';

/**
 * CORS for the configured origins only (CORS_ORIGINS, comma-separated). With none configured no
 * cross-origin browser call is allowed: the web app calls the edge from its server.
 */
export const cors: MiddlewareHandler<AppEnv> = async (c, next) => {
  const allowed = (c.get('config').CORS_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (allowed.length === 0) return next();
  return honoCors({
    origin: (origin) => (allowed.includes(origin) ? origin : null),
    allowHeaders: [
      'Authorization',
      'Content-Type',
      'Idempotency-Key',
      'X-API-Key',
      'X-Request-ID',
      'Connect-Protocol-Version',
    ],
    exposeHeaders: [
      'X-Request-ID',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'Retry-After',
    ],
    credentials: true,
    maxAge: 600,
  })(c, next);
};
