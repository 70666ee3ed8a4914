/**
 * `GET /v1/orchestrator/jobs`: the org's jobs, newest first, filtered by worker, type and status.
 * A job's state lives in its worker's AgentObject, which holds every job of that worker, so the
 * list asks the org's workers (one, with `worker_id`) and merges their pages
 * (platform/merge-pages.ts): at most MAX_WORKERS_SCANNED workers (more: filter by worker),
 * MAX_DEPTH rows deep. Rows are summaries: no params, result or log (those are in GET /jobs/{id}).
 */
import { jobStatuses } from '@kombify/proto/jobs';
import { z } from 'zod';
import type { Db } from '../platform/db/client.ts';
import type { Env } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { checkDepth, mergePages } from '../platform/merge-pages.ts';
import { type Page, readQuery } from '../platform/validate.ts';
import { getAgent, isAgentId, listAgents } from '../workers/index.ts';
import { agentQueue } from './agent-queue.ts';

export const MAX_WORKERS_SCANNED = 200;

export const jobQuery = z.object({
  worker_id: z.string().max(64).optional(),
  type: z
    .string()
    .regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'must be a job type, e.g. docker.run')
    .optional(),
  status: z.enum(jobStatuses).optional(),
});

export async function listOrgJobs(
  deps: { db: Db; env: Env },
  orgId: string,
  raw: Record<string, string | undefined>,
  page: Page,
) {
  const q = readQuery(jobQuery, raw);
  checkDepth(page, 'filter by worker_id, type or status');
  let workers: string[];
  if (q.worker_id) {
    const row = isAgentId(q.worker_id) ? await getAgent(deps.db, orgId, q.worker_id) : null;
    if (!row) throw new ApiError('NOT_FOUND', `worker ${q.worker_id} not found`);
    workers = [row.id];
  } else {
    const { rows, total } = await listAgents(deps.db, orgId, { limit: MAX_WORKERS_SCANNED, offset: 0 });
    if (total > MAX_WORKERS_SCANNED) {
      throw new ApiError(
        'VALIDATION_FAILED',
        `this org has ${total} workers; the org-wide job list covers up to ${MAX_WORKERS_SCANNED}: filter by worker_id`,
        {
          details: [
            { path: 'worker_id', code: 'required', message: `needed above ${MAX_WORKERS_SCANNED} workers` },
          ],
        },
      );
    }
    workers = rows.map((r) => r.id);
  }
  const filter = { type: q.type, status: q.status };
  const depth = page.offset + page.limit;
  const parts = await Promise.all(workers.map((id) => agentQueue(deps.env, id).listJobs(filter, depth, 0)));
  return mergePages(parts, page);
}
