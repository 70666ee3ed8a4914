/** `GET /v1/orchestrator/nodes`: every stack's nodes with the worker each is bound to and its status. */
import { Hono } from 'hono';
import type { AppEnv } from '../../env.ts';
import { readPage } from '../../http/validate.ts';
import { listNodes } from '../../orchestrator/stacks.ts';
import { orchContext } from '../stacks/context.ts';

export const nodes = new Hono<AppEnv>();

nodes.get('/', async (c) => {
  const page = readPage(c);
  const all = await listNodes(orchContext(c));
  return c.json({
    data: all.slice(page.offset, page.offset + page.limit),
    pagination: { page: page.page, per_page: page.perPage, total: all.length },
  });
});
