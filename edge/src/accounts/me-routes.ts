import { Hono } from 'hono';
import { z } from 'zod';
import { userActivity } from '../platform/db/activity.ts';
import type { Db } from '../platform/db/client.ts';
import type { AppEnv, Principal } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { readJson } from '../platform/validate.ts';
import { anyRole, gate } from './api-auth.ts';
import { getPreferences, setPreferences, updateProfile } from './users-store.ts';

/** The caller's own account: who they are, in which org, with which role. */
export const account = new Hono<AppEnv>();
account.use(gate(anyRole, 'account'));

export function meView(p: Principal) {
  return {
    kind: p.kind,
    id: p.id,
    email: p.email ?? null,
    name: p.name ?? null,
    org_id: p.orgId,
    role: p.role,
    // The banner: someone from the platform is acting as this user until the session expires.
    impersonated_by: p.impersonation?.by ?? null,
    impersonation_expires_at: p.impersonation?.expiresAt.toISOString() ?? null,
  };
}

/** The caller's recent activity (an API key has none of its own). */
export async function activityView(db: Db, p: Principal) {
  if (p.kind === 'api_key') return [];
  const rows = await userActivity(db, p.orgId, p.id);
  return rows.map((r) => ({ id: r.id, kind: r.kind, message: r.message, at: r.createdAt.toISOString() }));
}

account.get('/', (c) => c.json({ data: meView(c.get('principal')) }));

account.get('/activity', async (c) =>
  c.json({ data: await activityView(c.get('db')(), c.get('principal')) }),
);

function requireUser(c: { get(k: 'principal'): { kind: string } }): void {
  if (c.get('principal').kind === 'api_key')
    throw new ApiError('VALIDATION_FAILED', 'an API key has no profile');
}

account.patch('/', async (c) => {
  requireUser(c);
  const { name } = await readJson(c, z.object({ name: z.string().trim().min(1).max(100) }).strict());
  await updateProfile(c.get('db')(), c.get('principal').id, { name });
  return c.json({ data: { name } });
});

account.get('/preferences', async (c) => {
  requireUser(c);
  return c.json({ data: (await getPreferences(c.get('db')(), c.get('principal').id)) ?? {} });
});

account.put('/preferences', async (c) => {
  requireUser(c);
  const prefs = await readJson(c, z.record(z.string().max(64), z.json()));
  if (JSON.stringify(prefs).length > 8192)
    throw new ApiError('VALIDATION_FAILED', 'preferences are limited to 8 KB');
  await setPreferences(c.get('db')(), c.get('principal').id, prefs);
  return c.json({ data: prefs });
});
