import { Hono } from 'hono';
import { z } from 'zod';
import { gate, operatorRoles } from '../accounts/index.ts';
import { agentQueue } from '../jobs/index.ts';
import { offlineAfterMs } from '../platform/config.ts';
import { recordActivity } from '../platform/db/activity.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { readJson, readPage } from '../platform/validate.ts';
import { isAgentId } from './agent-token.ts';
import { WORKER_NAME } from './enroll.ts';
import { checkNodeRoom, enrollmentBody, installCommand, issueEnrollmentToken } from './enrollment-service.ts';
import { deleteAgent, getAgent, listAgents } from './store.ts';
import { workerView } from './worker-view.ts';

/** Enrolled agents, as the API calls them: workers. */
export const workers = new Hono<AppEnv>();
workers.use(gate(operatorRoles, 'orchestrator'));

workers.get('/', async (c) => {
  const page = readPage(c);
  const { rows, total } = await listAgents(c.get('db')(), c.get('principal').orgId, page);
  const offlineAfter = offlineAfterMs(c.get('config'));
  return c.json({
    data: rows.map((row) => workerView(row, offlineAfter, Date.now(), c.get('config').AGENT_MIN_VERSION)),
    pagination: { page: page.page, per_page: page.perPage, total },
  });
});

export const newWorkerBody = enrollmentBody.extend({
  name: z
    .string()
    .regex(
      WORKER_NAME,
      'must be 1-63 characters: letters, digits, ".", "_" or "-", starting with a letter or digit',
    )
    .optional(),
});

/** A new worker: an enrollment for it and the one-liner to run on the machine (the token shown once). */
workers.post('/', async (c) => {
  const body = await readJson(c, newWorkerBody);
  const db = c.get('db')();
  const { orgId } = c.get('principal');
  const config = c.get('config');
  await checkNodeRoom(db, orgId);
  const made = await issueEnrollmentToken(db, orgId, {
    description: body.description ?? (body.name ? `worker ${body.name}` : null),
    ttlSeconds: body.ttl_seconds ?? config.ENROLLMENT_TOKEN_TTL_SECONDS,
  });
  const edgeUrl = config.PUBLIC_EDGE_URL ?? new URL(c.req.url).origin;
  const data = {
    enrollment_id: made.id,
    token: made.token,
    expires_at: made.expires_at,
    name: body.name ?? null,
    command: installCommand(edgeUrl, made.token, body.name),
  };
  return c.json({ data }, 201);
});

workers.get('/:id', async (c) => {
  const id = c.req.param('id');
  const row = isAgentId(id) ? await getAgent(c.get('db')(), c.get('principal').orgId, id) : null;
  if (!row) throw new ApiError('NOT_FOUND', `worker ${id} not found`);
  const config = c.get('config');
  return c.json({ data: workerView(row, offlineAfterMs(config), Date.now(), config.AGENT_MIN_VERSION) });
});

/**
 * Deletes (revokes) a worker: its row goes first, so nothing can load its key again, then its
 * AgentObject forgets the key it cached, cancels its open jobs and drops its stream. The agent's
 * next call is refused; the node must enroll again to come back (issue 20, M5).
 */
workers.delete('/:id', async (c) => {
  const id = c.req.param('id');
  const p = c.get('principal');
  const db = c.get('db')();
  if (!isAgentId(id) || !(await deleteAgent(db, p.orgId, id)))
    throw new ApiError('NOT_FOUND', `worker ${id} not found`);
  await agentQueue(c.env, id).forget();
  await recordActivity(db, {
    orgId: p.orgId,
    actor: `${p.kind}:${p.id}`,
    userId: p.kind === 'api_key' ? null : p.id,
    kind: 'worker.deleted',
    message: `deleted worker ${id}; it must enroll again to come back`,
  });
  return c.json({ data: { id, deleted: true } });
});
