import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppEnv, Principal } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { cookieOptions, sessionCookieName } from './cookies.ts';
import { readSession, signSession } from './session-token.ts';
import { findLiveSession } from './users-store.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A cookie-authenticated write (and sign-out) must come from our own origin or a configured one.
 * SameSite=Lax keeps cross-site POSTs cookieless in browsers; this covers the rest (CSRF).
 */
export function requireSameOrigin(c: Context<AppEnv>): void {
  const origin = c.req.header('origin');
  const allowed = [
    new URL(c.req.url).origin,
    ...(c.get('config').CORS_ORIGINS ?? '').split(',').map((s) => s.trim()),
  ];
  if (!origin || !allowed.includes(origin)) {
    throw new ApiError(
      'AUTH_INSUFFICIENT',
      'cross-site request refused: a cookie-authenticated write needs a same-origin Origin header',
    );
  }
}

/**
 * The principal behind a session cookie, or null when there is none. The cookie is only a signed
 * pointer; the session row decides (so sign-out takes effect at once). A cookie past half its
 * life is re-issued (sliding refresh) until the session's absolute expiry.
 *
 * Cookie-authenticated writes must come from our own origin (or a configured one): SameSite=Lax
 * already keeps cross-site POSTs cookieless in browsers; the Origin check covers the rest (CSRF).
 */
export async function sessionPrincipal(c: Context<AppEnv>): Promise<Principal | null> {
  const config = c.get('config');
  const cookie = getCookie(c, sessionCookieName(c));
  if (!cookie || !config.SESSION_SECRET) return null;
  const claims = await readSession(config.SESSION_SECRET, cookie);
  if (!claims) throw new ApiError('AUTH_INVALID', 'session cookie is not valid; sign in again');
  if (!SAFE_METHODS.has(c.req.method)) requireSameOrigin(c);
  const session = await findLiveSession(c.get('db')(), claims.sid);
  if (!session) throw new ApiError('AUTH_INVALID', 'session ended or expired; sign in again');
  if (session.disabledAt) throw new ApiError('AUTH_INVALID', 'this account is disabled');
  const now = Math.floor(Date.now() / 1000);
  if (claims.exp - now < config.SESSION_COOKIE_SECONDS / 2) {
    const left = Math.floor((session.expiresAt.getTime() - Date.now()) / 1000);
    setCookie(
      c,
      sessionCookieName(c),
      await signSession(config.SESSION_SECRET, claims.sid, Math.min(config.SESSION_COOKIE_SECONDS, left)),
      // The same options as at sign-in: Secure behind a TLS proxy too (issue 20, L3).
      cookieOptions(c, left),
    );
  }
  return {
    kind: 'session',
    id: session.userId,
    orgId: session.orgId,
    role: session.role,
    email: session.email,
    name: session.name,
    sessionId: session.sessionId,
    ...(session.impersonatedBy
      ? { impersonation: { by: session.impersonatedBy, expiresAt: session.expiresAt } }
      : {}),
  };
}
