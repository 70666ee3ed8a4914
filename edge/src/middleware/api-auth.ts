import { createMiddleware } from 'hono/factory';
import { bearerToken } from '../agent-auth/agent-token.ts';
import { findApiKeyByHash } from '../db/api-keys.ts';
import type { AppEnv } from '../env.ts';
import { ApiError } from '../errors.ts';
import { sha256Hex } from '../ids.ts';

const API_KEY = /^kfy_[A-Za-z0-9_-]{43}$/;

/**
 * API-key authentication (`Authorization: Bearer kfy_…` or `X-API-Key`). The shape is checked
 * before the database is asked, so junk never costs a query. `roles` lists who may pass.
 */
export function apiAuth(roles: readonly string[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const presented = bearerToken(c.req.header('authorization')) ?? c.req.header('x-api-key') ?? null;
    if (!presented)
      throw new ApiError('AUTH_REQUIRED', 'authentication required: send Authorization: Bearer <api key>');
    if (!API_KEY.test(presented)) throw new ApiError('AUTH_INVALID', 'credential is not a valid API key');
    const key = await findApiKeyByHash(c.get('db')(), await sha256Hex(presented));
    const now = Date.now();
    if (!key || key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= now)) {
      throw new ApiError('AUTH_INVALID', 'API key is unknown, revoked or expired');
    }
    if (!roles.includes(key.role)) {
      throw new ApiError('AUTH_INSUFFICIENT', `this API key's role (${key.role}) may not use this route`);
    }
    c.set('principal', { kind: 'api_key', id: key.id, orgId: key.orgId, role: key.role });
    await next();
  });
}

/** Roles allowed to operate workers and jobs. */
export const operatorRoles = ['platform-admin', 'owner', 'admin'] as const;
