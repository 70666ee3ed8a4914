/** `POST /v1/orchestrator/workers/{id}/approve` and `/prechecks`. */
import { Hono } from 'hono';
import { z } from 'zod';
import { gate, operatorRoles } from '../accounts/index.ts';
import { offlineAfterMs } from '../platform/config.ts';
import type { AppEnv } from '../platform/env.ts';
import { readJson } from '../platform/validate.ts';
import { orchContext } from '../stacks/index.ts';
import { approveWorker, runPrechecks } from './service.ts';
import { workerView } from './worker-view.ts';

export const workerActions = new Hono<AppEnv>();
workerActions.use(gate(operatorRoles, 'orchestrator'));

workerActions.post('/:id/approve', async (c) => {
  const row = await approveWorker(orchContext(c), c.req.param('id'));
  const config = c.get('config');
  return c.json({ data: workerView(row, offlineAfterMs(config), Date.now(), config.AGENT_MIN_VERSION) });
});

// Params are checked against the shared node.prechecks schema (proto/src/jobs.ts) by the service.
export const prechecksBody = z.record(z.string(), z.unknown());

workerActions.post('/:id/prechecks', async (c) => {
  const length = c.req.header('content-length');
  const params =
    !c.req.header('content-type') && (!length || length === '0') ? {} : await readJson(c, prechecksBody);
  const wait = c.req.query('wait_seconds');
  const waitMs = wait === undefined ? 30_000 : Math.min(120, Math.max(0, Number(wait) || 0)) * 1000;
  const { done, job } = await runPrechecks(orchContext(c), c.req.param('id'), params, waitMs);
  return c.json(
    { data: { ...job, checks: (job.result as { checks?: unknown } | null)?.checks ?? null } },
    done ? 200 : 202,
  );
});
