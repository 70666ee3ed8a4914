import type { Context } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import { SESSION_COOKIE } from './session-token.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Whether the browser reached us over TLS. Everything is, except plain-http local development on
 * loopback. A TLS proxy in front (the web app, a reverse proxy) that reaches the edge over plain
 * http says `X-Forwarded-Proto: https`, and the cookie stays Secure (issue 20, L3).
 */
export function overTls(c: Context<AppEnv>): boolean {
  const url = new URL(c.req.url);
  if (url.protocol === 'https:') return true;
  if ((c.req.header('x-forwarded-proto') ?? '').toLowerCase() === 'https') return true;
  return !LOOPBACK.has(url.hostname);
}

/** Secure cookies everywhere but plain-http localhost (local development). */
export function cookieOptions(c: Context<AppEnv>, maxAge: number) {
  return { httpOnly: true, sameSite: 'Lax' as const, secure: overTls(c), path: '/', maxAge };
}

/**
 * A cookie's name with the `__Host-` prefix over TLS: the browser then takes it only when it is
 * Secure, for path / and without Domain, so a sibling subdomain cannot plant or shadow it
 * (RFC 6265bis §4.1.3.2). Plain-http localhost cannot carry the prefix and keeps the bare name.
 */
export function cookieName(c: Context<AppEnv>, name: string): string {
  return overTls(c) ? `__Host-${name}` : name;
}

/** The session cookie's name for this request (see {@link cookieName}). */
export function sessionCookieName(c: Context<AppEnv>): string {
  return cookieName(c, SESSION_COOKIE);
}
