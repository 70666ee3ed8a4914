/**
 * Org-wide runs (`GET|POST /v1/orchestrator/workflows`, Connect ListWorkflows without a stack and
 * RunStackAction): every run of the org's stacks, newest first, filtered by stack, kind, status
 * and time; and starting one by naming its stack, the same as the per-stack actions.
 *
 * Runs live in each stack's StackObject, so the org-wide list asks the stacks in parallel, each
 * for its first offset+limit matching runs, and merges them (platform/merge-pages.ts). That bounds
 * it: at most MAX_STACKS_SCANNED stacks (an org with more filters by stack), MAX_DEPTH rows deep.
 */
import { z } from 'zod';
import { ApiError } from '../platform/errors.ts';
import { checkDepth, mergePages } from '../platform/merge-pages.ts';
import { type Page, readQuery } from '../platform/validate.ts';
import { locate, type OrchContext } from './access.ts';
import { stackHandle } from './object/stack-handle.ts';
import * as index from './store.ts';
import { runAction } from './workflow-service.ts';

export const MAX_STACKS_SCANNED = 200;

const kinds = ['provision', 'deploy', 'plan', 'destroy', 'drift'] as const;
const statuses = [
  'queued',
  'running',
  'awaiting_approval',
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
] as const;
const instant = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 time, e.g. 2026-12-01T00:00:00Z')
  .transform((v) => Date.parse(v));

/** The list's filters as a query string or a Connect request gives them ('' = not given). */
export const workflowQuery = z.object({
  stack_id: z.string().max(64).optional(),
  kind: z.enum(kinds).optional(),
  status: z.enum(statuses).optional(),
  since: instant.optional(),
  until: instant.optional(),
});
export type WorkflowQueryInput = z.input<typeof workflowQuery>;

export async function listOrgWorkflows(
  ctx: OrchContext,
  raw: Record<string, string | undefined>,
  page: Page,
) {
  const q = readQuery(workflowQuery, raw);
  checkDepth(page, 'narrow it with since/until');
  const filter = { kind: q.kind, status: q.status, since: q.since, until: q.until };
  let targets: { id: string; name: string }[];
  if (q.stack_id) {
    const { row } = await locate(ctx, q.stack_id);
    targets = [{ id: row.id, name: row.name }];
  } else {
    const { rows, total } = await index.listStacks(ctx.db, ctx.principal.orgId, {
      limit: MAX_STACKS_SCANNED,
      offset: 0,
    });
    if (total > MAX_STACKS_SCANNED) {
      throw new ApiError(
        'VALIDATION_FAILED',
        `this org has ${total} stacks; the org-wide list covers up to ${MAX_STACKS_SCANNED}: filter by stack_id`,
        {
          details: [
            { path: 'stack_id', code: 'required', message: `needed above ${MAX_STACKS_SCANNED} stacks` },
          ],
        },
      );
    }
    targets = rows.map((r) => ({ id: r.id, name: r.name }));
  }
  const depth = page.offset + page.limit;
  const perStack = await Promise.all(
    targets.map(async (s) => {
      const { rows, total } = await stackHandle(ctx.env, s.id).workflows(depth, 0, filter);
      return { total, rows: rows.map((r) => ({ ...r, stack_name: s.name })) };
    }),
  );
  return mergePages(perStack, page);
}

const runOptions = { dry_run: z.boolean().optional(), auto_approve: z.boolean().optional() };
/** `POST /v1/orchestrator/workflows`: the per-stack action's body plus the stack and the kind. */
export const startBody = z.discriminatedUnion('kind', [
  z
    .object({ stack_id: z.string().min(1), kind: z.enum(['provision', 'deploy', 'plan']), ...runOptions })
    .strict(),
  z
    .object({
      stack_id: z.string().min(1),
      kind: z.literal('destroy'),
      force: z.boolean().optional(),
      auto_approve: z.boolean().optional(),
      volumes: z.boolean().optional(),
    })
    .strict(),
]);

export async function startOrgWorkflow(ctx: OrchContext, body: z.output<typeof startBody>) {
  const { stack_id, kind, ...options } = body;
  return runAction(ctx, stack_id, kind, options);
}
