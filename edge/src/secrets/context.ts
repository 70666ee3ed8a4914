import type { Context } from 'hono';
import { auditContext } from '../platform/audit-context.ts';
import type { AppEnv } from '../platform/env.ts';
import type { SecretContext } from './service.ts';

/** The secret store's per-request context from a Hono request (REST route or Connect call). */
export function secretContext(c: Context<AppEnv>): SecretContext {
  return {
    db: c.get('db')(),
    config: c.get('config'),
    principal: c.get('principal'),
    ip: auditContext(c).ip,
  };
}
