/**
 * `GET /v1/orchestrator/workers/metrics?minutes=` — the org's recent heartbeat samples per worker
 * (CPU load per core, memory and disk in use), for the dashboard's small charts. Mounted before
 * the workers sub-app so `metrics` is not read as a worker id.
 */
import { Hono } from 'hono';
import { gate, operatorRoles } from '../accounts/index.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { samplesView } from './samples-view.ts';

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
