import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';

/** The caller's own account: who they are, in which org, with which role. */
export const account = new Hono<AppEnv>();

account.get('/', (c) => {
  const p = c.get('principal');
  return c.json({
    data: {
      kind: p.kind,
      id: p.id,
      email: p.email ?? null,
      name: p.name ?? null,
      org_id: p.orgId,
      role: p.role,
    },
  });
});
