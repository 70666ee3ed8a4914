import type { Context } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import type { OrchContext } from './access.ts';

/** The orchestrator's per-request context from a Hono request. */
export function orchContext(c: Context<AppEnv>): OrchContext {
  return {
    env: c.env,
    db: c.get('db')(),
    principal: c.get('principal'),
    config: c.get('config'),
    baseUrl: c.get('config').PUBLIC_EDGE_URL ?? new URL(c.req.url).origin,
  };
}
