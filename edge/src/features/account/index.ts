import { Hono } from 'hono';
import { userActivity } from '../../db/activity.ts';
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

account.get('/activity', async (c) => {
  const p = c.get('principal');
  if (p.kind === 'api_key') return c.json({ data: [] });
  const rows = await userActivity(c.get('db')(), p.orgId, p.id);
  return c.json({
    data: rows.map((r) => ({ id: r.id, kind: r.kind, message: r.message, at: r.createdAt.toISOString() })),
  });
});
