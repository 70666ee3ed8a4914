import { Hono } from 'hono';
import { gate, operatorRoles } from '../accounts/index.ts';
import { agentQueue } from '../jobs/index.ts';
import { offlineAfterMs } from '../platform/config.ts';
import { recordActivity } from '../platform/db/activity.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { readPage } from '../platform/validate.ts';
import { isAgentId } from './agent-token.ts';
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
