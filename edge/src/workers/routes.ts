import { Hono } from 'hono';
import { gate, operatorRoles } from '../accounts/api-auth.ts';
import { offlineAfterMs } from '../platform/config.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { readPage } from '../platform/validate.ts';
import { versionSkew } from '../releases/version-skew.ts';
import { isAgentId } from './agent-token.ts';
import { type AgentRow, getAgent, listAgents } from './store.ts';

/** Enrolled agents, as the API calls them: workers. */
export const workers = new Hono<AppEnv>();
workers.use(gate(operatorRoles, 'orchestrator'));

export function workerView(row: AgentRow, offlineAfter: number, now = Date.now(), minAgentVersion?: string) {
  const seen = row.lastSeenAt?.getTime() ?? 0;
  const online = row.connectedAt !== null && now - seen < offlineAfter;
  return {
    id: row.id,
    name: row.name,
    status: online ? ('online' as const) : ('offline' as const),
    last_seen: row.lastSeenAt?.toISOString() ?? null,
    enrolled_at: row.enrolledAt.toISOString(),
    agent_version: row.agentVersion,
    // Stacks deploy only to approved workers (POST /v1/orchestrator/workers/{id}/approve).
    approved: row.approvedAt !== null,
    approved_at: row.approvedAt?.toISOString() ?? null,
    // Version skew (AGENT_MIN_VERSION): `outdated` and a `version_warning` saying what to do.
    ...versionSkew(row.agentVersion, minAgentVersion),
    facts: row.facts,
    // The agent inside a KombiSim node: a worker of that simulated environment.
    simulated: row.simulationId !== null,
    simulation_id: row.simulationId,
  };
}

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
