import { keyRole } from '@kombify/proto/api';
import { atLeast } from '@kombify/proto/roles';
import { Hono } from 'hono';
import { z } from 'zod';
import { recordActivity } from '../platform/db/activity.ts';
import type { Db } from '../platform/db/client.ts';
import type { AppEnv, Env, Principal } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { randomId, randomSecret, sha256Hex } from '../platform/ids.ts';
import { readJson } from '../platform/validate.ts';
import { gate, keyManagerRoles } from './api-auth.ts';
import { forgetApiKeyHere } from './api-key-admission.ts';
import { insertApiKey, keyHashesOf, listApiKeys, makerOfKey, revokeApiKey } from './api-keys-store.ts';
import { consumerLimiter } from './rate-limit/rate-limit.ts';

/**
 * API keys for service accounts and scripts. The key is shown once, in the answer that creates
 * it; only its SHA-256 and a prefix (for recognising it in lists) are stored.
 */
export const apiKeys = new Hono<AppEnv>();
apiKeys.use(gate(keyManagerRoles, 'account'));

export const createKeyBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: keyRole.default('member'),
    expires_in_days: z.number().int().min(1).max(3650).optional(),
    /** An owner's key for the org itself: it outlives the person who made it (issue 20, M5). */
    service: z.boolean().default(false),
  })
  .strict();

export function actorOf(p: Principal): { actor: string; userId: string | null } {
  return p.kind === 'api_key'
    ? { actor: `api_key:${p.id}`, userId: null }
    : { actor: `user:${p.id}`, userId: p.id };
}

apiKeys.post('/', async (c) => {
  const body = await readJson(c, createKeyBody);
  const principal = c.get('principal');
  if (!atLeast(principal.role, body.role)) {
    throw new ApiError(
      'AUTH_INSUFFICIENT',
      `a key cannot have more rights than its maker (${principal.role})`,
    );
  }
  if (body.service && principal.role !== 'owner')
    throw new ApiError(
      'AUTH_INSUFFICIENT',
      'only an owner makes service keys (keys that outlive their maker)',
    );
  const key = randomSecret('kfy');
  const id = randomId('key');
  const expiresAt = body.expires_in_days ? new Date(Date.now() + body.expires_in_days * 86_400_000) : null;
  const db = c.get('db')();
  // The key acts for the person behind the request: a key made by a key, for that key's maker.
  const createdBy = principal.kind === 'api_key' ? await makerOfKey(db, principal.id) : principal.id;
  await insertApiKey(db, {
    id,
    orgId: principal.orgId,
    name: body.name,
    prefix: key.slice(0, 12),
    hash: await sha256Hex(key),
    role: body.role,
    expiresAt,
    createdBy,
    service: body.service,
  });
  await recordActivity(db, {
    orgId: principal.orgId,
    ...actorOf(principal),
    kind: 'api_key.created',
    message: `created API key "${body.name}" (${key.slice(0, 12)}…, role ${body.role})`,
  });
  return c.json(
    {
      data: {
        id,
        name: body.name,
        prefix: key.slice(0, 12),
        role: body.role,
        expires_at: expiresAt?.toISOString() ?? null,
        service: body.service,
        key,
        note: 'This is the only time the key is shown. Store it now.',
      },
    },
    201,
  );
});

/**
 * Forgets the cached grants of the keys that act for this person (in one org, or everywhere), so
 * a removed or disabled maker's keys stop at once rather than when the cache runs out.
 */
export async function forgetKeysOf(env: Env, db: Db, userId: string, orgId?: string): Promise<void> {
  const hashes = await keyHashesOf(db, userId, orgId);
  await Promise.all(hashes.map((hash) => forgetApiKey(env, hash)));
}

/**
 * The key's consumer object and this isolate cache its grant: evict both, so the revocation holds
 * here from the next request on and in every other isolate within KEY_RECHECK_MS.
 */
async function forgetApiKey(env: Env, hash: string): Promise<void> {
  forgetApiKeyHere(hash);
  await consumerLimiter(env, `api_key:${hash}`).evictApiKey();
}

apiKeys.get('/', async (c) => {
  const rows = await listApiKeys(c.get('db')(), c.get('principal').orgId);
  return c.json({
    data: rows.map((r) => ({
      id: r.id,
      name: r.name,
      prefix: r.prefix,
      role: r.role,
      created_at: r.createdAt.toISOString(),
      expires_at: r.expiresAt?.toISOString() ?? null,
      revoked_at: r.revokedAt?.toISOString() ?? null,
      last_used_at: r.lastUsedAt?.toISOString() ?? null,
    })),
  });
});

apiKeys.delete('/:id', async (c) => {
  const principal = c.get('principal');
  const db = c.get('db')();
  const revoked = await revokeApiKey(db, principal.orgId, c.req.param('id'));
  if (!revoked) throw new ApiError('NOT_FOUND', `API key ${c.req.param('id')} not found`);
  await forgetApiKey(c.env, revoked.hash);
  await recordActivity(db, {
    orgId: principal.orgId,
    ...actorOf(principal),
    kind: 'api_key.revoked',
    message: `revoked API key "${revoked.name}" (${revoked.prefix}…)`,
  });
  return c.json({ data: { id: revoked.id, revoked_at: revoked.revokedAt?.toISOString() ?? null } });
});
