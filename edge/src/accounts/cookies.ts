import type { Context } from 'hono';
import type { AppEnv } from '../platform/env.ts';

/** Secure cookies everywhere but plain-http localhost (local development). */
export function cookieOptions(c: Context<AppEnv>, maxAge: number) {
  const url = new URL(c.req.url);
  const local = url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  return { httpOnly: true, sameSite: 'Lax' as const, secure: !local, path: '/', maxAge };
}
