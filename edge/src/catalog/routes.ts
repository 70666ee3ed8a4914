/**
 * The tools catalog of the admin center (platform admins): tools with weighted evaluation scores
 * and full-text search (Postgres, prefix matching, ranked), categories and patterns. Every write
 * goes to the audit log. `GET /api/tools` is the portal's read-only launcher for everyone.
 */
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { anyRole, gate, platformAdmin } from '../accounts/index.ts';
import { auditContext } from '../platform/audit-context.ts';
import { audit } from '../platform/db/audit.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { readJson, readPage } from '../platform/validate.ts';
import { prefixQuery, weightedScore } from './score.ts';
import {
  deleteCategory,
  deletePattern,
  deleteTool,
  getTool,
  insertCategory,
  insertPattern,
  insertTool,
  listCategories,
  listPatterns,
  listTools,
  updateTool,
} from './store.ts';

export const toolsAdmin = new Hono<AppEnv>();
toolsAdmin.use(gate(platformAdmin, 'admin'));
export const categoriesAdmin = new Hono<AppEnv>();
categoriesAdmin.use(gate(platformAdmin, 'admin'));
export const patternsAdmin = new Hono<AppEnv>();
patternsAdmin.use(gate(platformAdmin, 'admin'));
export const toolsLauncher = new Hono<AppEnv>();
toolsLauncher.use(gate(anyRole, 'account'));

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and "-"');
const score = z.number().min(0).max(10);
/** A tool's link opens in people's browsers: http(s) only, never `javascript:` or `data:` (issue 20, L4). */
const toolUrl = z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).max(2048);
export const toolBody = z
  .object({
    id: slug,
    name: z.string().trim().min(1).max(100),
    summary: z.string().max(500).default(''),
    url: toolUrl.optional(),
    category_id: slug.optional(),
    tags: z.array(z.string().max(40)).max(20).default([]),
    status: z.enum(['reviewed', 'unreviewed']).default('reviewed'),
    scores: z
      .object({ maturity: score, security: score, ease: score, community: score })
      .partial()
      .strict()
      .default({}),
  })
  .strict();
export const toolPatch = z
  .object({
    name: z.string().trim().min(1).max(100),
    summary: z.string().max(500),
    url: toolUrl,
    category_id: slug,
    tags: z.array(z.string().max(40)).max(20),
    status: z.enum(['reviewed', 'unreviewed']),
    scores: z.object({ maturity: score, security: score, ease: score, community: score }).partial().strict(),
  })
  .partial()
  .strict();

type ToolRow = NonNullable<Awaited<ReturnType<typeof getTool>>>;
const view = (t: ToolRow) => ({
  id: t.id,
  name: t.name,
  summary: t.summary,
  url: t.url,
  category_id: t.categoryId,
  tags: t.tags,
  status: t.status,
  scores: t.scores,
  score: t.score,
  updated_at: t.updatedAt.toISOString(),
});

async function search(c: Context<AppEnv>, onlyReviewed: boolean) {
  const page = readPage(c);
  const q = c.req.query('q');
  const query = q ? prefixQuery(q) : null;
  if (q && !query) throw new ApiError('VALIDATION_FAILED', 'the search has no words to look for');
  const rows = await listTools(c.get('db')(), { query, limit: page.limit, offset: page.offset });
  return c.json({
    data: rows.filter((t) => !onlyReviewed || t.status === 'reviewed').map(view),
    pagination: { page: page.page, per_page: page.perPage },
  });
}

toolsAdmin.get('/', (c) => search(c, false));

toolsAdmin.post('/', async (c) => {
  const b = await readJson(c, toolBody);
  const db = c.get('db')();
  const ok = await insertTool(db, {
    id: b.id,
    name: b.name,
    summary: b.summary,
    url: b.url ?? null,
    categoryId: b.category_id ?? null,
    tags: b.tags,
    status: b.status,
    scores: b.scores,
    score: weightedScore(b.scores),
  });
  if (!ok) throw new ApiError('CONFLICT', `tool ${b.id} already exists`);
  const created = (await getTool(db, b.id))!;
  await audit(db, {
    ...auditContext(c),
    action: 'tool.create',
    target: b.id,
    before: null,
    after: view(created),
  });
  return c.json({ data: view(created) }, 201);
});

toolsAdmin.get('/:id', async (c) => {
  const tool = await getTool(c.get('db')(), c.req.param('id'));
  if (!tool) throw new ApiError('NOT_FOUND', `tool ${c.req.param('id')} not found`);
  return c.json({ data: view(tool) });
});

toolsAdmin.patch('/:id', async (c) => {
  const b = await readJson(c, toolPatch);
  const db = c.get('db')();
  const before = await getTool(db, c.req.param('id'));
  if (!before) throw new ApiError('NOT_FOUND', `tool ${c.req.param('id')} not found`);
  const scores = b.scores ? { ...before.scores, ...b.scores } : undefined;
  const after = await updateTool(db, before.id, {
    ...(b.name !== undefined ? { name: b.name } : {}),
    ...(b.summary !== undefined ? { summary: b.summary } : {}),
    ...(b.url !== undefined ? { url: b.url } : {}),
    ...(b.category_id !== undefined ? { categoryId: b.category_id } : {}),
    ...(b.tags !== undefined ? { tags: b.tags } : {}),
    ...(b.status !== undefined ? { status: b.status } : {}),
    ...(scores ? { scores, score: weightedScore(scores) } : {}),
  });
  await audit(db, {
    ...auditContext(c),
    action: 'tool.update',
    target: before.id,
    before: view(before),
    after: view(after!),
  });
  return c.json({ data: view(after!) });
});

toolsAdmin.delete('/:id', async (c) => {
  const db = c.get('db')();
  const removed = await deleteTool(db, c.req.param('id'));
  if (!removed) throw new ApiError('NOT_FOUND', `tool ${c.req.param('id')} not found`);
  await audit(db, {
    ...auditContext(c),
    action: 'tool.delete',
    target: removed.id,
    before: view(removed),
    after: null,
  });
  return c.json({ data: { id: removed.id, deleted: true } });
});

export const named = z
  .object({
    id: slug,
    name: z.string().trim().min(1).max(100),
    description: z.string().max(1000).default(''),
  })
  .strict();

categoriesAdmin.get('/', async (c) => c.json({ data: await listCategories(c.get('db')()) }));
categoriesAdmin.post('/', async (c) => {
  const b = await readJson(c, named);
  const db = c.get('db')();
  if (!(await insertCategory(db, b))) throw new ApiError('CONFLICT', `category ${b.id} already exists`);
  await audit(db, { ...auditContext(c), action: 'category.create', target: b.id, before: null, after: b });
  return c.json({ data: b }, 201);
});
categoriesAdmin.delete('/:id', async (c) => {
  const db = c.get('db')();
  const removed = await deleteCategory(db, c.req.param('id'));
  if (!removed) throw new ApiError('NOT_FOUND', `category ${c.req.param('id')} not found`);
  await audit(db, {
    ...auditContext(c),
    action: 'category.delete',
    target: removed.id,
    before: removed,
    after: null,
  });
  return c.json({ data: { id: removed.id, deleted: true } });
});

export const patternBody = named.extend({ tool_ids: z.array(slug).max(50).default([]) }).strict();
patternsAdmin.get('/', async (c) => c.json({ data: await listPatterns(c.get('db')()) }));
patternsAdmin.post('/', async (c) => {
  const b = await readJson(c, patternBody);
  const db = c.get('db')();
  if (
    !(await insertPattern(db, { id: b.id, name: b.name, description: b.description, toolIds: b.tool_ids }))
  ) {
    throw new ApiError('CONFLICT', `pattern ${b.id} already exists`);
  }
  await audit(db, { ...auditContext(c), action: 'pattern.create', target: b.id, before: null, after: b });
  return c.json({ data: b }, 201);
});
patternsAdmin.delete('/:id', async (c) => {
  const db = c.get('db')();
  const removed = await deletePattern(db, c.req.param('id'));
  if (!removed) throw new ApiError('NOT_FOUND', `pattern ${c.req.param('id')} not found`);
  await audit(db, {
    ...auditContext(c),
    action: 'pattern.delete',
    target: removed.id,
    before: removed,
    after: null,
  });
  return c.json({ data: { id: removed.id, deleted: true } });
});

/** The portal's tools launcher: reviewed tools for any signed-in caller. */
toolsLauncher.get('/', (c) => search(c, true));
