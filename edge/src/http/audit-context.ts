import type { Context } from 'hono';
import type { AppEnv } from '../env.ts';

/** Who did an admin write and from where, for the audit log. */
export function auditContext(c: Context<AppEnv>): { actor: string; ip: string | null } {
  const p = c.get('principal');
  return {
    actor: `${p.kind}:${p.id}`,
    ip: c.req.header('cf-connecting-ip') ?? c.req.header('x-real-ip') ?? null,
  };
}
