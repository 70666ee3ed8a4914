/**
 * Workflow runs (`/v1/orchestrator/workflows`): the org's runs listed and filtered, one started by
 * naming its stack; each run's whole history, approve / reject / cancel, and live progress as
 * Server-Sent Events (resumable with Last-Event-ID).
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import { gate, operatorRoles } from '../accounts/index.ts';
import type { AppEnv } from '../platform/env.ts';
import { readJson, readPage } from '../platform/validate.ts';
import { orchContext } from './context.ts';
import * as orch from './service.ts';
import { listOrgWorkflows, startBody, startOrgWorkflow } from './workflow-list.ts';

export const workflows = new Hono<AppEnv>();
workflows.use(gate(operatorRoles, 'orchestrator'));

workflows.get('/', async (c) => {
  const page = readPage(c);
  // The schema takes what it knows of the query (stack_id, kind, status, since, until).
  const { rows, total } = await listOrgWorkflows(orchContext(c), c.req.query(), page);
  return c.json({ data: rows, pagination: { page: page.page, per_page: page.perPage, total } });
});

workflows.post('/', async (c) =>
  c.json({ data: await startOrgWorkflow(orchContext(c), await readJson(c, startBody)) }, 202),
);

workflows.get('/:id', async (c) =>
  c.json({ data: await orch.getWorkflow(orchContext(c), c.req.param('id')) }),
);

workflows.post('/:id/approve', async (c) =>
  c.json({ data: await orch.approveWorkflow(orchContext(c), c.req.param('id')) }),
);

export const rejectBody = z.object({ reason: z.string().max(500).optional() }).strict();
workflows.post('/:id/reject', async (c) => {
  const body = c.req.header('content-type') ? await readJson(c, rejectBody) : {};
  return c.json({ data: await orch.rejectWorkflow(orchContext(c), c.req.param('id'), body.reason ?? null) });
});

workflows.post('/:id/cancel', async (c) =>
  c.json({ data: await orch.cancelWorkflow(orchContext(c), c.req.param('id')) }),
);

workflows.get('/:id/events', async (c) => {
  const ctx = orchContext(c);
  const id = c.req.param('id');
  const cursor = c.req.header('last-event-id') ?? c.req.query('after') ?? null;
  // Open the watch before answering, so an unknown or foreign workflow is a plain 404.
  const watch = orch.watchWorkflow(ctx, id, cursor, { signal: c.req.raw.signal });
  const first = await watch.next();
  return streamSSE(c, async (stream) => {
    let item = first;
    while (!item.done) {
      const { id: eventId, kind, ...rest } = item.value;
      await stream.writeSSE({ id: eventId, event: kind, data: JSON.stringify(rest) });
      item = await watch.next();
    }
  });
});
