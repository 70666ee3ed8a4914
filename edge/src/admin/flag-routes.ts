/**
 * Feature flags (platform admins): CRUD with platform, org and user targeting and a percentage
 * rollout, every write in the audit log; and the internal evaluation endpoints of CONTRACTS.md.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { gate, platformAdmin } from '../accounts/index.ts';
import { auditContext } from '../platform/audit-context.ts';
import { audit, recentAudit } from '../platform/db/audit.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { readJson } from '../platform/validate.ts';
import { evaluateFlags } from './flag-evaluate.ts';
import { deleteFlag, getFlag, insertFlag, listFlags, updateFlag } from './flags-store.ts';

export const featureFlagsAdmin = new Hono<AppEnv>();
featureFlagsAdmin.use(gate(platformAdmin, 'admin'));
export const featureFlagsInternal = new Hono<AppEnv>();
featureFlagsInternal.use(gate(platformAdmin, 'admin'));
export const auditAdmin = new Hono<AppEnv>();
auditAdmin.use(gate(platformAdmin, 'admin'));

const key = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, ".", "_" or "-"');
const targeting = z
  .object({
    orgs: z.record(z.string(), z.boolean()).optional(),
    users: z.record(z.string(), z.boolean()).optional(),
  })
  .strict();
export const createFlagBody = z
  .object({
    key,
    description: z.string().max(500).default(''),
    enabled: z.boolean().default(false),
    rollout_percent: z.number().int().min(0).max(100).default(100),
    targeting: targeting.default({}),
  })
  .strict();
// No defaults here: a PATCH changes only what it names.
export const patchFlagBody = z
  .object({
    description: z.string().max(500),
    enabled: z.boolean(),
    rollout_percent: z.number().int().min(0).max(100),
    targeting,
  })
  .partial()
  .strict();

function view(f: NonNullable<Awaited<ReturnType<typeof getFlag>>>) {
  return {
    key: f.key,
    description: f.description,
    enabled: f.enabled,
    rollout_percent: f.rolloutPercent,
    targeting: f.targeting,
    updated_at: f.updatedAt.toISOString(),
  };
}

featureFlagsAdmin.get('/', async (c) => c.json({ data: (await listFlags(c.get('db')())).map(view) }));

featureFlagsAdmin.post('/', async (c) => {
  const body = await readJson(c, createFlagBody);
  const db = c.get('db')();
  const row = {
    key: body.key,
    description: body.description,
    enabled: body.enabled,
    rolloutPercent: body.rollout_percent,
    targeting: body.targeting,
  };
  if (!(await insertFlag(db, row))) throw new ApiError('CONFLICT', `flag ${body.key} already exists`);
  const created = (await getFlag(db, body.key))!;
  await audit(db, {
    ...auditContext(c),
    action: 'feature_flag.create',
    target: body.key,
    before: null,
    after: view(created),
  });
  return c.json({ data: view(created) }, 201);
});

featureFlagsAdmin.get('/:key', async (c) => {
  const flag = await getFlag(c.get('db')(), c.req.param('key'));
  if (!flag) throw new ApiError('NOT_FOUND', `flag ${c.req.param('key')} not found`);
  return c.json({ data: view(flag) });
});

featureFlagsAdmin.patch('/:key', async (c) => {
  const body = await readJson(c, patchFlagBody);
  const db = c.get('db')();
  const before = await getFlag(db, c.req.param('key'));
  if (!before) throw new ApiError('NOT_FOUND', `flag ${c.req.param('key')} not found`);
  const after = await updateFlag(db, before.key, {
    ...(body.description !== undefined ? { description: body.description } : {}),
    ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
    ...(body.rollout_percent !== undefined ? { rolloutPercent: body.rollout_percent } : {}),
    ...(body.targeting !== undefined ? { targeting: body.targeting } : {}),
  });
  await audit(db, {
    ...auditContext(c),
    action: 'feature_flag.update',
    target: before.key,
    before: view(before),
    after: view(after!),
  });
  return c.json({ data: view(after!) });
});

featureFlagsAdmin.delete('/:key', async (c) => {
  const db = c.get('db')();
  const removed = await deleteFlag(db, c.req.param('key'));
  if (!removed) throw new ApiError('NOT_FOUND', `flag ${c.req.param('key')} not found`);
  await audit(db, {
    ...auditContext(c),
    action: 'feature_flag.delete',
    target: removed.key,
    before: view(removed),
    after: null,
  });
  return c.json({ data: { key: removed.key, deleted: true } });
});

auditAdmin.get('/', async (c) => {
  const rows = await recentAudit(c.get('db')());
  return c.json({
    data: rows.map((r) => ({
      id: r.id,
      actor: r.actor,
      action: r.action,
      target: r.target,
      before: r.before,
      after: r.after,
      ip: r.ip,
      at: r.createdAt.toISOString(),
    })),
  });
});

/** `GET /api/internal/feature-flags?sub=&org=` → `{sub, orgId, flags: {…}, updatedAt}` (CONTRACTS.md). */
featureFlagsInternal.get('/', async (c) => {
  const sub = c.req.query('sub') ?? null;
  const orgId = c.req.query('org') ?? null;
  if (!sub && !orgId)
    throw new ApiError('VALIDATION_FAILED', 'give sub, org or both', {
      details: [{ path: 'sub', code: 'required', message: 'sub or org is required' }],
    });
  const { flags, updatedAt } = evaluateFlags(await listFlags(c.get('db')()), { sub, orgId });
  return c.json({ sub, orgId, flags, updatedAt: updatedAt?.toISOString() ?? null });
});

export const applyFlagsBody = z
  .object({ sub: z.string().min(1).max(200), flags: z.record(key, z.boolean()) })
  .strict();

/** `POST /api/internal/feature-flags/apply` with `{sub, flags: {key: bool}}`: user overrides, audited. */
featureFlagsInternal.post('/apply', async (c) => {
  const body = await readJson(c, applyFlagsBody);
  const db = c.get('db')();
  const missing = [];
  for (const [flagKey, value] of Object.entries(body.flags)) {
    const before = await getFlag(db, flagKey);
    if (!before) {
      missing.push(flagKey);
      continue;
    }
    const targetingNext = {
      ...before.targeting,
      users: { ...(before.targeting.users ?? {}), [body.sub]: value },
    };
    const after = await updateFlag(db, flagKey, { targeting: targetingNext });
    await audit(db, {
      ...auditContext(c),
      action: 'feature_flag.apply',
      target: `${flagKey}:${body.sub}`,
      before: view(before),
      after: view(after!),
    });
  }
  if (missing.length)
    throw new ApiError('NOT_FOUND', `unknown flag(s): ${missing.join(', ')}; the others were applied`);
  return c.json({ data: { sub: body.sub, applied: Object.keys(body.flags) } });
});
