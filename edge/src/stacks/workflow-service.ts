/**
 * Runs of a stack (provision, deploy, plan, destroy) and their workflows: start, read, approve,
 * reject, cancel and watch. The StackObject runs them; these functions check the caller first.
 */
import type { Issue } from '@kombify/proto/issue';
import { type Plan, resolve } from '@kombify/stackkits';
import { agentQueue } from '../jobs/index.ts';
import { ApiError } from '../platform/errors.ts';
import { unwrap } from '../platform/result.ts';
import { secretVersions } from '../secrets/index.ts';
import { actor, bindWorker, locate, type OrchContext, orgWorkers, planLimits } from './access.ts';
import { generateArtifacts, nodesNeedingWorkers } from './object/artifacts.ts';
import type { WorkflowOptions } from './object/engine.ts';
import { describeMissing, secretUses } from './object/secret-revs.ts';
import { stackHandle, stackIdOfWorkflow } from './object/stack-handle.ts';
import type { SpecVersion, WorkflowKind } from './object/stack-store.ts';
import { specOfVersion } from './spec-input.ts';
import * as index from './store.ts';

const mutating = (kind: WorkflowKind, options: WorkflowOptions) =>
  kind === 'destroy' || ((kind === 'deploy' || kind === 'provision') && !options.dry_run);

/** Starts (or queues) a run: provision, deploy, plan or destroy. */
export async function runAction(ctx: OrchContext, id: string, kind: WorkflowKind, options: WorkflowOptions) {
  const { stack } = await locate(ctx, id);
  if (mutating(kind, options)) {
    const { plan, limits } = await planLimits(ctx);
    if (!limits.stacksWritable) {
      throw new ApiError(
        'RESOURCE_LIMIT',
        `the ${plan} plan has read-only stacks: plan and dry runs work, ${kind} needs a paid plan`,
      );
    }
  }
  const details = (await stack.details())!;
  const v = (await stack.currentVersion())!;
  const plan = resolve(specOfVersion(v), v.options);
  const workers = await orgWorkers(ctx);
  const bound: Record<string, string> = {};
  const problems: Issue[] = [];
  for (const node of nodesNeedingWorkers(plan, v)) {
    const w = bindWorker(node, details.bindings[node], workers);
    if (typeof w === 'string')
      problems.push({ path: `bindings.${node}`, code: 'invalid_reference', message: w });
    else if (w.approvedAt === null) {
      problems.push({
        path: `bindings.${node}`,
        code: 'not_approved',
        message: `worker ${w.name} (${w.id}) is not approved yet: POST /v1/orchestrator/workers/${w.id}/approve`,
      });
    } else bound[node] = w.id;
  }
  if (problems.length > 0) {
    throw new ApiError(
      'VALIDATION_FAILED',
      `nodes without a worker: ${problems.map((p) => `${p.path.slice(9)} (${p.message})`).join('; ')}`,
      {
        details: problems,
      },
    );
  }
  if (kind !== 'destroy') await requireSecrets(ctx, id, plan, v);
  return stack.startWorkflow({
    kind,
    options,
    workers: bound,
    requestedBy: actor(ctx.principal),
    baseUrl: ctx.baseUrl,
    simulated:
      Object.keys(bound).length > 0 &&
      Object.values(bound).every((id) => workers.some((w) => w.id === id && w.simulationId !== null)),
  });
}

/** Every secret the plan's services use must be set: a 400 naming each service and path, before any job. */
async function requireSecrets(ctx: OrchContext, id: string, plan: Plan, v: SpecVersion): Promise<void> {
  const uses = secretUses(generateArtifacts(id, plan, v).converge);
  if (uses.length === 0) return;
  const versions = await secretVersions(ctx.db, ctx.principal.orgId, [...new Set(uses.map((u) => u.path))]);
  const missing = uses.filter((u) => !versions.has(u.path));
  if (missing.length === 0) return;
  throw new ApiError(
    'VALIDATION_FAILED',
    `${describeMissing(missing)}: PUT /v1/orchestrator/secrets/{path} first`,
    {
      details: missing.map((m) => ({
        path: `nodes.${m.node}.services.${m.service}.${m.field}`,
        code: 'unknown_secret',
        message: `secret ${m.path} is not set`,
      })),
    },
  );
}

async function locateWorkflow(ctx: OrchContext, workflowId: string) {
  const stackId = stackIdOfWorkflow(workflowId);
  if (!stackId) throw new ApiError('NOT_FOUND', `workflow ${workflowId} not found`);
  const row = await index.getStack(ctx.db, ctx.principal.orgId, stackId);
  if (!row) throw new ApiError('NOT_FOUND', `workflow ${workflowId} not found`);
  return stackHandle(ctx.env, stackId);
}

export async function getWorkflow(ctx: OrchContext, workflowId: string) {
  const view = await (await locateWorkflow(ctx, workflowId)).workflow(workflowId);
  if (!view) throw new ApiError('NOT_FOUND', `workflow ${workflowId} not found`);
  return view;
}

export async function approveWorkflow(ctx: OrchContext, workflowId: string) {
  return unwrap(await (await locateWorkflow(ctx, workflowId)).approve(workflowId, actor(ctx.principal)));
}

export async function rejectWorkflow(ctx: OrchContext, workflowId: string, reason: string | null) {
  return unwrap(
    await (await locateWorkflow(ctx, workflowId)).reject(workflowId, actor(ctx.principal), reason),
  );
}

export async function cancelWorkflow(ctx: OrchContext, workflowId: string) {
  return unwrap(await (await locateWorkflow(ctx, workflowId)).cancel(workflowId, actor(ctx.principal)));
}

export type WatchItem =
  | {
      id: string;
      kind: 'event';
      event: { seq: number; at: string; kind: string; step: string | null; message: string; data: unknown };
    }
  | {
      id: string;
      kind: 'log';
      job_id: string;
      node: string;
      line: { seq: number; at: string; stream: string; text: string };
    }
  | { id: string; kind: 'end'; status: string };

/**
 * A run's events and its jobs' log lines, in order, from a cursor (SSE `Last-Event-ID`, or the
 * Connect request's `after`). The cursor is `<event seq>-<log seq of job 1>.<…of job 2>…` in the
 * run's job order, so a resumed watch sends every line once: none lost, none twice.
 */
export async function* watchWorkflow(
  ctx: OrchContext,
  workflowId: string,
  cursor: string | null,
  opts: { signal?: AbortSignal; pollMs?: number; maxMs?: number } = {},
): AsyncGenerator<WatchItem> {
  const stack = await locateWorkflow(ctx, workflowId);
  if (!(await stack.progress(workflowId, 0)))
    throw new ApiError('NOT_FOUND', `workflow ${workflowId} not found`);
  const parsed = /^(\d+)-([\d.]*)$/.exec(cursor ?? '');
  let eventSeq = parsed ? Number(parsed[1]) : 0;
  const logSeqs: number[] = parsed?.[2] ? parsed[2].split('.').map(Number) : [];
  const id = () => `${eventSeq}-${logSeqs.join('.')}`;
  const drained = new Set<string>();
  const deadline = Date.now() + (opts.maxMs ?? 15 * 60_000);
  while (!opts.signal?.aborted && Date.now() < deadline) {
    const p = (await stack.progress(workflowId, eventSeq))!;
    for (const e of p.events) {
      eventSeq = e.seq;
      yield { id: id(), kind: 'event', event: e };
    }
    let more = false;
    for (const [i, job] of p.jobs.entries()) {
      logSeqs[i] ??= 0;
      if (job.status === 'pending' || drained.has(job.id)) continue;
      const lines = await agentQueue(ctx.env, job.worker_id).jobLogs(job.id, logSeqs[i]!, 500);
      for (const l of lines) {
        logSeqs[i] = l.seq;
        yield {
          id: id(),
          kind: 'log',
          job_id: job.id,
          node: job.node,
          line: { ...l, at: new Date(l.at).toISOString() },
        };
      }
      if (lines.length === 500) more = true;
      else if (job.status !== 'dispatched') drained.add(job.id);
    }
    if (p.terminal && !more && p.jobs.every((j) => j.status === 'pending' || drained.has(j.id))) {
      const last = (await stack.progress(workflowId, eventSeq))!;
      if (last.events.length === 0) {
        yield { id: id(), kind: 'end', status: p.status };
        return;
      }
      continue;
    }
    if (!more) await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
  }
}
