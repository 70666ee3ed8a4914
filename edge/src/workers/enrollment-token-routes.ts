import { Hono } from 'hono';
import { z } from 'zod';
import { gate, operatorRoles } from '../accounts/index.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { randomId, randomSecret, sha256Hex } from '../platform/ids.ts';
import { readJson } from '../platform/validate.ts';
import { createEnrollmentToken, getEnrollmentToken } from './store.ts';

/** One-time enrollment tokens for adding a node. The clear token is returned once and stored hashed. */
export const enrollmentTokens = new Hono<AppEnv>();
enrollmentTokens.use(gate(operatorRoles, 'orchestrator'));

const createBody = z
  .object({
    description: z.string().max(200).optional(),
    ttl_seconds: z
      .number()
      .int()
      .min(60)
      .max(7 * 86400)
      .optional(),
  })
  .strict();

enrollmentTokens.post('/', async (c) => {
  const body = await readJson(c, createBody);
  const principal = c.get('principal');
  const ttl = body.ttl_seconds ?? c.get('config').ENROLLMENT_TOKEN_TTL_SECONDS;
  const token = randomSecret('kfe');
  const id = randomId('enr');
  const expiresAt = new Date(Date.now() + ttl * 1000);
  await createEnrollmentToken(c.get('db')(), {
    id,
    orgId: principal.orgId,
    hash: await sha256Hex(token),
    description: body.description ?? null,
    expiresAt,
  });
  return c.json({ data: { id, token, expires_at: expiresAt.toISOString() } }, 201);
});

/** Whether a token was used yet, and by which worker: the "waiting for the agent…" of Add a node. */
enrollmentTokens.get('/:id', async (c) => {
  const row = await getEnrollmentToken(c.get('db')(), c.get('principal').orgId, c.req.param('id'));
  if (!row) throw new ApiError('NOT_FOUND', `enrollment token ${c.req.param('id')} not found`);
  return c.json({
    data: {
      id: row.id,
      expires_at: row.expiresAt.toISOString(),
      used_at: row.usedAt?.toISOString() ?? null,
      worker_id: row.usedByAgentId,
    },
  });
});
