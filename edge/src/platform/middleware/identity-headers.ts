import { createMiddleware } from 'hono/factory';
import type { AppEnv, Principal } from '../env.ts';

/** The identity headers of CONTRACTS.md, as the gateway passes them on. */
export const IDENTITY_HEADERS = [
  'x-user-id',
  'x-org-id',
  'x-user-email',
  'x-user-roles',
  'x-user-name',
] as const;

function replaceHeaders(req: Request, edit: (h: Headers) => void): Request {
  const headers = new Headers(req.headers);
  edit(headers);
  return new Request(req, { headers });
}

/**
 * First in the chain: a client's own X-User-* / X-Org-ID headers are dropped, so nothing
 * downstream can ever be fooled by them.
 */
export const stripIdentityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  if (IDENTITY_HEADERS.some((h) => c.req.raw.headers.has(h))) {
    c.req.raw = replaceHeaders(c.req.raw, (h) => {
      for (const name of IDENTITY_HEADERS) h.delete(name);
    });
  }
  await next();
});

/**
 * After authentication: the principal, as headers on the request handlers see and forward. The
 * incoming request's headers are immutable, so this means a new Request, which costs more than the
 * rest of the gateway's hot path put together (issue 19, item 4); most handlers never look at the
 * raw request. So `c.req.raw` becomes a getter that makes the new Request on first use: everything
 * that reads it (`c.req.header()`, `c.req.json()`, a forwarded `c.req.raw`) gets the identity
 * headers, and a request nobody reads pays nothing.
 */
export function setIdentityHeaders(c: { req: { raw: Request } }, p: Principal): void {
  const original = c.req.raw;
  let replaced: Request | undefined;
  Object.defineProperty(c.req, 'raw', {
    configurable: true,
    enumerable: true,
    get: () =>
      (replaced ??= replaceHeaders(original, (h) => {
        h.set('x-user-id', p.kind === 'api_key' ? `api_key:${p.id}` : p.id);
        h.set('x-org-id', p.orgId);
        h.set('x-user-roles', p.role);
        if (p.email) h.set('x-user-email', p.email);
        else h.delete('x-user-email');
        if (p.name) h.set('x-user-name', encodeURIComponent(p.name));
        else h.delete('x-user-name');
      })),
    // Hono (or a handler) may put its own request in place: that one is then used as it is.
    set: (value: Request) => {
      replaced = value;
    },
  });
}
