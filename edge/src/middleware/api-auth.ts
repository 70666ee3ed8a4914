import { createMiddleware } from 'hono/factory';
import { bearerToken } from '../agent-auth/agent-token.ts';
import { looksLikeJwt, verifyAccessToken } from '../auth/oidc-jwt.ts';
import type { Config } from '../config.ts';
import { findApiKeyByHash } from '../db/api-keys.ts';
import type { Db } from '../db/client.ts';
import { ensureOrg } from '../db/orgs.ts';
import type { AppEnv, Principal } from '../env.ts';
import { ApiError } from '../errors.ts';
import { sha256Hex } from '../ids.ts';
import { setIdentityHeaders } from './identity-headers.ts';
import { sessionPrincipal } from './session-auth.ts';

const API_KEY = /^kfy_[A-Za-z0-9_-]{43}$/;

/**
 * Authentication for API routes: an API key (`Authorization: Bearer kfy_…` or `X-API-Key`), or an
 * access token from the OpenID issuer (`Authorization: Bearer <JWT>`) when OIDC_ISSUER is set.
 * Shapes are checked before the database or the issuer's keys are asked, so junk costs nothing.
 * `roles` lists who may pass.
 */
export function apiAuth(roles: readonly string[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const presented = bearerToken(c.req.header('authorization')) ?? c.req.header('x-api-key') ?? null;
    if (!presented) {
      const session = await sessionPrincipal(c);
      if (session) {
        if (!roles.includes(session.role)) {
          throw new ApiError('AUTH_INSUFFICIENT', `your role (${session.role}) may not use this route`);
        }
        c.set('principal', session);
        setIdentityHeaders(c, session);
        return next();
      }
      throw new ApiError(
        'AUTH_REQUIRED',
        'authentication required: sign in, or send Authorization: Bearer <api key>',
      );
    }
    const config = c.get('config');
    if (config.OIDC_ISSUER && looksLikeJwt(presented)) {
      const principal = await userPrincipal(c.get('db')(), presented, config);
      if (!roles.includes(principal.role)) {
        throw new ApiError('AUTH_INSUFFICIENT', `your role (${principal.role}) may not use this route`);
      }
      c.set('principal', principal);
      setIdentityHeaders(c, principal);
      return next();
    }
    if (!API_KEY.test(presented)) throw new ApiError('AUTH_INVALID', 'credential is not a valid API key');
    const key = await findApiKeyByHash(c.get('db')(), await sha256Hex(presented));
    const now = Date.now();
    if (!key || key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= now)) {
      throw new ApiError('AUTH_INVALID', 'API key is unknown, revoked or expired');
    }
    if (!roles.includes(key.role)) {
      throw new ApiError('AUTH_INSUFFICIENT', `this API key's role (${key.role}) may not use this route`);
    }
    const principal: Principal = { kind: 'api_key', id: key.id, orgId: key.orgId, role: key.role };
    c.set('principal', principal);
    setIdentityHeaders(c, principal);
    await next();
  });
}

/** Highest role first: a user with several roles acts with the highest. */
const roleOrder = ['platform-admin', 'owner', 'admin', 'member', 'viewer'];

async function userPrincipal(db: Db, token: string, config: Config): Promise<Principal> {
  const identity = await verifyAccessToken(token, {
    issuer: config.OIDC_ISSUER!,
    audience: config.OIDC_AUDIENCE,
    jwksCooldownMs: config.OIDC_JWKS_COOLDOWN_SECONDS * 1000,
  });
  // The issuer's org when it names one, else a personal org for the user (made on first sight).
  const orgId =
    identity.orgId && /^[A-Za-z0-9_-]{1,64}$/.test(identity.orgId)
      ? `org_${identity.orgId}`
      : `org_u${(await sha256Hex(`${config.OIDC_ISSUER}|${identity.sub}`)).slice(0, 26)}`;
  await ensureOrg(db, { id: orgId, name: identity.name ?? identity.email ?? identity.sub, slug: orgId });
  const role = roleOrder.find((r) => identity.roles.includes(r)) ?? (identity.orgId ? 'member' : 'owner');
  // Same user id as a browser session of this person gets (see features/auth).
  const userId = `usr_${(await sha256Hex(`${config.OIDC_ISSUER}|${identity.sub}`)).slice(0, 26)}`;
  return { kind: 'user', id: userId, orgId, role, email: identity.email, name: identity.name };
}

/** Every role: routes any signed-in caller may use. */
export const anyRole = ['platform-admin', 'owner', 'admin', 'member', 'viewer'] as const;

/** Roles allowed to create and revoke API keys. */
export const keyManagerRoles = ['platform-admin', 'owner', 'admin'] as const;

/** Roles allowed to operate workers and jobs. */
export const operatorRoles = ['platform-admin', 'owner', 'admin'] as const;
