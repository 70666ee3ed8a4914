import type { MiddlewareHandler } from 'hono';
import { cors as honoCors } from 'hono/cors';
import type { Config } from '../config.ts';
import type { AppEnv } from '../env.ts';

/**
 * CORS for the configured origins only (CORS_ORIGINS, comma-separated). With none configured no
 * cross-origin browser call is allowed: the web app calls the edge from its server.
 */
export const cors: MiddlewareHandler<AppEnv> = async (c, next) => {
  const handler = corsFor(c.get('config'));
  return handler ? handler(c, next) : next();
};

/**
 * The CORS middleware for one config, made once: the config is parsed once per isolate
 * (platform/config.ts), so its origins list and Hono's handler need not be rebuilt per request.
 */
const handlers = new WeakMap<Config, MiddlewareHandler<AppEnv> | null>();

function corsFor(config: Config): MiddlewareHandler<AppEnv> | null {
  const known = handlers.get(config);
  if (known !== undefined) return known;
  const allowed = (config.CORS_ORIGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const handler =
    allowed.length === 0
      ? null
      : honoCors({
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
        });
  handlers.set(config, handler);
  return handler;
}
