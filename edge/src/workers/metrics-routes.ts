/**
 * `GET /v1/orchestrator/workers/metrics?minutes=` — the org's recent heartbeat samples per worker
 * (CPU load per core, memory and disk in use), for the dashboard's small charts. Mounted before
 * the workers sub-app so `metrics` is not read as a worker id.
 */
import { Hono } from 'hono';
import { gate, operatorRoles } from '../accounts/api-auth.ts';
import type { Db } from '../platform/db/client.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { recentSamples } from './samples-store.ts';

export const workerMetrics = new Hono<AppEnv>();
workerMetrics.use(gate(operatorRoles, 'orchestrator'));

workerMetrics.get('/metrics', async (c) => {
  const minutes = Number(c.req.query('minutes') ?? 60);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) {
    throw new ApiError('VALIDATION_FAILED', 'invalid minutes', {
      details: [{ path: 'minutes', code: 'out_of_range', message: 'must be an integer from 1 to 60' }],
    });
  }
  return c.json({ data: await samplesView(c.get('db')(), c.get('principal').orgId, minutes) });
});

/** The org's heartbeat samples of the last `minutes`, grouped per worker. */
export async function samplesView(db: Db, orgId: string, minutes: number) {
  const rows = await recentSamples(db, orgId, minutes);
  const byWorker = new Map<string, { at: string; cpu: number; memory: number; disk: number }[]>();
  for (const r of rows) {
    const list = byWorker.get(r.agentId) ?? [];
    list.push({ at: r.at.toISOString(), cpu: r.cpu, memory: r.memory, disk: r.disk });
    byWorker.set(r.agentId, list);
  }
  return [...byWorker].map(([worker_id, samples]) => ({ worker_id, samples }));
}
