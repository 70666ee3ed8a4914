import type { Context } from 'hono';
import { audit } from './db/audit.ts';
import type { AppEnv, Principal } from './env.ts';

/**
 * The caller's address for the audit log: `CF-Connecting-IP`, which Cloudflare sets on every
 * request (a client's own value is replaced). `X-Real-IP` and `X-Forwarded-For` are whatever the
 * client or a proxy wrote, so they are never read (issue 20, L7).
 */
function clientIp(c: Context<AppEnv>): string | null {
  return c.req.header('cf-connecting-ip') ?? null;
}

/** Who did an admin write and from where, for the audit log. */
export function auditContext(c: Context<AppEnv>): { actor: string; ip: string | null } {
  const p = c.get('principal');
  return { actor: `${p.kind}:${p.id}`, ip: clientIp(c) };
}

/** One audit row per request made in an impersonation session: the admin as actor, the user as target. */
export async function auditImpersonatedRequest(
  c: Context<AppEnv>,
  p: Principal,
  status: number,
): Promise<void> {
  await audit(c.get('db')(), {
    actor: p.impersonation?.by ?? `${p.kind}:${p.id}`,
    action: 'impersonation.request',
    target: `user:${p.id}`,
    before: null,
    after: {
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      status,
      org_id: p.orgId,
      session_id: p.sessionId ?? null,
    },
    ip: clientIp(c),
  });
}
