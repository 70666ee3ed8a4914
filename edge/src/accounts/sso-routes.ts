import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { readJson } from '../platform/validate.ts';
import { establishSession } from './auth-routes.ts';
import { verifyAccessToken } from './oidc-jwt.ts';

/**
 * The spec's SSO flow (what Kong's /auth/sso did): trade an access token from the issuer for a
 * kombify session, so a user coming from another kombify tool lands signed in.
 */
export const sso = new Hono<AppEnv>();

export const ssoExchangeBody = z.object({ token: z.string().min(10).max(8192) }).strict();

sso.post('/exchange', async (c) => {
  const { token } = await readJson(c, ssoExchangeBody);
  const config = c.get('config');
  if (!config.OIDC_ISSUER || !config.SESSION_SECRET) {
    throw new ApiError('SERVICE_UNAVAILABLE', 'SSO is not configured (OIDC_ISSUER, SESSION_SECRET)');
  }
  const identity = await verifyAccessToken(token, {
    issuer: config.OIDC_ISSUER,
    audience: config.OIDC_AUDIENCE,
    jwksCooldownMs: config.OIDC_JWKS_COOLDOWN_SECONDS * 1000,
  });
  const session = await establishSession(c, config.OIDC_ISSUER, identity, 'sso_exchange');
  return c.json({
    data: { org_id: session.orgId, role: session.role, session_expires_at: session.expiresAt.toISOString() },
  });
});
