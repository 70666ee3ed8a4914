/** `GET /v1/orchestrator/nodes`: every stack's nodes with the worker each is bound to and its status. */
import { Hono } from 'hono';
import { gate, operatorRoles } from '../accounts/index.ts';
import type { AppEnv } from '../platform/env.ts';
import { readPage } from '../platform/validate.ts';
import { orchContext } from './context.ts';
import { listNodes } from './node-service.ts';

export const nodes = new Hono<AppEnv>();
nodes.use(gate(operatorRoles, 'orchestrator'));

nodes.get('/', async (c) => {
  const page = readPage(c);
  const all = await listNodes(orchContext(c));
  return c.json({
    data: all.slice(page.offset, page.offset + page.limit),
    pagination: { page: page.page, per_page: page.perPage, total: all.length },
  });
});
