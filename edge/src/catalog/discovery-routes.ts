/**
 * Discovery (platform admins): a run searches the npm registry (or GitHub topics, with a token)
 * by keywords and files each package found as an unreviewed catalog entry, once; an admin reviews it with PATCH
 * /api/v1/tools/{id} (`status: reviewed`). Runs are kept with what they found.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { gate, platformAdmin } from '../accounts/index.ts';
import { auditContext } from '../platform/audit-context.ts';
import { audit } from '../platform/db/audit.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { randomId } from '../platform/ids.ts';
import { readJson, readPage } from '../platform/validate.ts';
import {
  type DiscoveryResult,
  type DiscoveryRun,
  fileCandidate,
  finishRun,
  getRun,
  listRuns,
  startRun,
} from './discovery-store.ts';
import { searchGithub } from './github-search.ts';
import { searchNpm } from './npm-search.ts';

export const discoveryAdmin = new Hono<AppEnv>();
discoveryAdmin.use(gate(platformAdmin, 'admin'));

const defaultKeywords = ['homelab', 'self-hosted', 'docker'];

function runView(r: DiscoveryRun, withResults: boolean) {
  return {
    id: r.id,
    source: r.source,
    keywords: r.keywords,
    status: r.status,
    started_by: r.startedBy,
    started_at: r.startedAt.toISOString(),
    finished_at: r.finishedAt?.toISOString() ?? null,
    error: r.error,
    found: r.results.length,
    filed: r.results.filter((x) => x.outcome === 'filed').length,
    ...(withResults
      ? {
          results: r.results.map((x) => ({
            package: x.package,
            tool_id: x.toolId,
            outcome: x.outcome,
            keyword: x.keyword,
          })),
        }
      : {}),
  };
}

export const discoveryRunBody = z
  .object({
    source: z.enum(['npm', 'github']).default('npm'),
    keywords: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9.-]{0,49}$/, 'lower-case letters, digits, "." or "-"'))
      .min(1)
      .max(10)
      .default(defaultKeywords),
  })
  .strict();

discoveryAdmin.post('/runs', async (c) => {
  const body = await readJson(c, discoveryRunBody);
  const config = c.get('config');
  const githubToken = config.DISCOVERY_GITHUB_TOKEN;
  if (body.source === 'github' && !githubToken)
    throw new ApiError('SERVICE_UNAVAILABLE', 'GitHub discovery needs DISCOVERY_GITHUB_TOKEN');
  const search = (keyword: string) =>
    body.source === 'github'
      ? searchGithub(config.DISCOVERY_GITHUB_API, githubToken!, keyword, config.DISCOVERY_PAGE_SIZE)
      : searchNpm(config.DISCOVERY_NPM_REGISTRY, keyword, config.DISCOVERY_PAGE_SIZE);
  const db = c.get('db')();
  const who = auditContext(c);
  const id = randomId('dsc');
  const keywords = [...new Set(body.keywords)];
  await startRun(db, { id, source: body.source, keywords, startedBy: who.actor });
  const results: DiscoveryResult[] = [];
  const seen = new Set<string>();
  let error: string | null = null;
  try {
    for (const keyword of keywords) {
      for (const found of await search(keyword)) {
        if (seen.has(found.name)) continue;
        seen.add(found.name);
        const filed = await fileCandidate(db, found.tool);
        results.push({ package: found.name, keyword, ...filed });
      }
    }
  } catch (cause) {
    error = cause instanceof Error ? cause.message : String(cause);
  }
  // What was filed before a failure stays filed (each entry is idempotent); the run says how far it got.
  const run = await finishRun(db, id, { status: error ? 'failed' : 'succeeded', results, error });
  await audit(db, {
    ...who,
    action: 'discovery.run',
    target: `discovery:${id}`,
    before: null,
    after: {
      status: run.status,
      keywords,
      filed: results.filter((r) => r.outcome === 'filed').map((r) => r.toolId),
      error,
    },
  });
  if (error) {
    throw new ApiError('SERVICE_UNAVAILABLE', `discovery run ${id} failed: ${error}`, {
      details: { run: runView(run, false) },
    });
  }
  return c.json({ data: runView(run, true) }, 201);
});

discoveryAdmin.get('/runs', async (c) => {
  const page = readPage(c, 20);
  const { rows, total } = await listRuns(c.get('db')(), page);
  return c.json({
    data: rows.map((r) => runView(r, false)),
    pagination: { page: page.page, per_page: page.perPage, total },
  });
});

discoveryAdmin.get('/runs/:id', async (c) => {
  const run = await getRun(c.get('db')(), c.req.param('id'));
  if (!run) throw new ApiError('NOT_FOUND', `discovery run ${c.req.param('id')} not found`);
  return c.json({ data: runView(run, true) });
});
