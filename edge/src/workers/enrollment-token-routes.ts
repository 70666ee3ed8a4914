import { Hono } from 'hono';
import { gate, operatorRoles } from '../accounts/index.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { readJson } from '../platform/validate.ts';
import { enrollmentBody, issueEnrollmentToken } from './enrollment-service.ts';
import { getEnrollmentToken } from './store.ts';

/** One-time enrollment tokens for adding a node. The clear token is returned once and stored hashed. */
export const enrollmentTokens = new Hono<AppEnv>();
enrollmentTokens.use(gate(operatorRoles, 'orchestrator'));

enrollmentTokens.post('/', async (c) => {
  const body = await readJson(c, enrollmentBody);
  const ttlSeconds = body.ttl_seconds ?? c.get('config').ENROLLMENT_TOKEN_TTL_SECONDS;
  const made = await issueEnrollmentToken(c.get('db')(), c.get('principal').orgId, {
    description: body.description ?? null,
    ttlSeconds,
  });
  return c.json({ data: made }, 201);
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
