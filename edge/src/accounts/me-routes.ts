import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { readJson } from '../platform/validate.ts';
import { anyRole, gate } from './api-auth.ts';
import { activityView, meView } from './me-view.ts';
import { getPreferences, setPreferences, updateProfile } from './users-store.ts';

/** The caller's own account: who they are, in which org, with which role. */
export const account = new Hono<AppEnv>();
account.use(gate(anyRole, 'account'));

account.get('/', (c) => c.json({ data: meView(c.get('principal')) }));

account.get('/activity', async (c) =>
  c.json({ data: await activityView(c.get('db')(), c.get('principal')) }),
);

function requireUser(c: { get(k: 'principal'): { kind: string } }): void {
  if (c.get('principal').kind === 'api_key')
    throw new ApiError('VALIDATION_FAILED', 'an API key has no profile');
}

export const profileBody = z.object({ name: z.string().trim().min(1).max(100) }).strict();

account.patch('/', async (c) => {
  requireUser(c);
  const { name } = await readJson(c, profileBody);
  await updateProfile(c.get('db')(), c.get('principal').id, { name });
  return c.json({ data: { name } });
});

export const preferencesBody = z.record(z.string().max(64), z.json());

account.get('/preferences', async (c) => {
  requireUser(c);
  return c.json({ data: (await getPreferences(c.get('db')(), c.get('principal').id)) ?? {} });
});

account.put('/preferences', async (c) => {
  requireUser(c);
  const prefs = await readJson(c, preferencesBody);
  if (JSON.stringify(prefs).length > 8192)
    throw new ApiError('VALIDATION_FAILED', 'preferences are limited to 8 KB');
  await setPreferences(c.get('db')(), c.get('principal').id, prefs);
  return c.json({ data: prefs });
});
