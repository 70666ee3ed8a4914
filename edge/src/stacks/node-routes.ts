/**
 * `GET /v1/orchestrator/nodes`: every stack's nodes with the worker each is bound to and its
 * status; `POST`: a node added to a stack's spec and bound in one call.
 */
import { Hono } from 'hono';
import { gate, operatorRoles } from '../accounts/index.ts';
import type { AppEnv } from '../platform/env.ts';
import { readJson, readPage } from '../platform/validate.ts';
import { orchContext } from './context.ts';
import { addNodeBody, addNodeToStack, listNodes } from './node-service.ts';

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

nodes.post('/', async (c) =>
  c.json({ data: await addNodeToStack(orchContext(c), await readJson(c, addNodeBody)) }, 201),
);
