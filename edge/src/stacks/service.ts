/**
 * The orchestrator's operations as plain functions: the REST handlers and the ConnectRPC service
 * both call these, so there is one implementation behind both. Every function takes the caller's
 * org from the principal and answers NOT_FOUND for another org's stack or workflow.
 */
import type { Issue } from '@kombify/proto/issue';
import { resolve, toOpenTofu } from '@kombify/stackkits';
import { effectivePlan, plans } from '../billing/plans.ts';
import { getSubscription } from '../billing/store.ts';
import { agentQueue } from '../jobs/agent-queue.ts';
import { type Config, offlineAfterMs } from '../platform/config.ts';
import type { Db } from '../platform/db/client.ts';
import type { Env, Principal } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { randomId } from '../platform/ids.ts';
import { getSimulation, listNodesOfSimulation } from '../simulations/store.ts';
import { type AgentRow, listAgents } from '../workers/store.ts';
import { generateArtifacts, nodesNeedingWorkers } from './object/artifacts.ts';
import type { WorkflowOptions } from './object/engine.ts';
import { type StackHandle, stackHandle, stackIdOfWorkflow } from './object/stack-handle.ts';
import type { Binding, Refusal } from './object/stack-object.ts';
import type { WorkflowKind } from './object/stack-store.ts';
import { checkBindingNodes, readSpecInput, type SpecInput, specOfVersion } from './spec-input.ts';
import * as index from './store.ts';

export interface OrchContext {
  env: Env;
  db: Db;
  principal: Principal;
  config: Config;
  /** This edge's origin (OpenTofu state backend addresses). */
  baseUrl: string;
}

const actor = (p: Principal) => `${p.kind}:${p.id}`;

function unwrap<T>(value: T | Refusal): T {
  if (value && typeof value === 'object' && 'refused' in (value as object)) {
    const { refused: error } = value as Refusal;
    throw new ApiError(error.code, error.message, error.details ? { details: error.details } : undefined);
  }
  return value as T;
}

async function locate(ctx: OrchContext, id: string): Promise<{ row: index.StackRow; stack: StackHandle }> {
  const row = /^stk_[a-z2-7]+$/.test(id) ? await index.getStack(ctx.db, ctx.principal.orgId, id) : null;
  if (!row) throw new ApiError('NOT_FOUND', `stack ${id} not found`);
  return { row, stack: stackHandle(ctx.env, id) };
}

/** NOT_FOUND unless the caller's org has this stack. */
export async function assertStack(ctx: OrchContext, id: string): Promise<void> {
  await locate(ctx, id);
}

async function planLimits(ctx: OrchContext) {
  const plan = effectivePlan(await getSubscription(ctx.db, ctx.principal.orgId));
  return { plan, limits: plans[plan] };
}

/**
 * A `{simulation, node}` binding must name a simulation of the caller's org (another org's is
 * "not found", like any unknown id) and a node it has.
 */
async function checkSimulationBindings(ctx: OrchContext, bindings: Record<string, Binding>): Promise<void> {
  for (const [node, b] of Object.entries(bindings)) {
    if (!('simulation' in b)) continue;
    const sim = await getSimulation(ctx.db, ctx.principal.orgId, b.simulation);
    const nodes = sim ? await listNodesOfSimulation(ctx.db, ctx.principal.orgId, sim.id) : [];
    const problem = !sim
      ? { path: `bindings.${node}.simulation`, message: 'no such simulation in this org' }
      : !nodes.some((n) => n.name === b.node)
        ? { path: `bindings.${node}.node`, message: `simulation ${sim.id} has no node ${b.node}` }
        : null;
    if (problem) {
      throw new ApiError('VALIDATION_FAILED', `${problem.path}: ${problem.message}`, {
        details: [{ ...problem, code: 'invalid_reference' }],
      });
    }
  }
}

export async function createStack(ctx: OrchContext, input: SpecInput) {
  if (input.bindings) await checkSimulationBindings(ctx, input.bindings as Record<string, Binding>);
  const { plan, limits } = await planLimits(ctx);
  const id = randomId('stk');
  const inserted = await index.insertStack(
    ctx.db,
    { id, orgId: ctx.principal.orgId, name: input.version.name, kit: input.version.kit },
    limits.stacks,
  );
  if (inserted === 'conflict')
    throw new ApiError('CONFLICT', `this org already has a stack named ${input.version.name}`);
  if (inserted === 'limit') {
    throw new ApiError(
      'RESOURCE_LIMIT',
      `stack limit reached: the ${plan} plan allows ${limits.stacks} stack(s); upgrade the plan or delete a stack`,
    );
  }
  try {
    const details = await stackHandle(ctx.env, id).init({
      id,
      orgId: ctx.principal.orgId,
      name: input.version.name,
      version: input.version,
      bindings: (input.bindings ?? {}) as Record<string, Binding>,
      driftIntervalSeconds: input.driftIntervalSeconds ?? ctx.config.STACK_DRIFT_INTERVAL_SECONDS,
      baseUrl: ctx.baseUrl,
    });
    return { ...details!, created_at: inserted.createdAt.toISOString() };
  } catch (cause) {
    // Nothing half-written: the index row goes when the stack's object did not take it.
    await index.deleteStack(ctx.db, ctx.principal.orgId, id);
    throw new ApiError('SERVICE_UNAVAILABLE', 'the stack could not be stored; nothing was created, retry', {
      cause,
    });
  }
}

export async function listStacks(ctx: OrchContext, page: { limit: number; offset: number }) {
  const { rows, total } = await index.listStacks(ctx.db, ctx.principal.orgId, page);
  return {
    rows: rows.map((r) => ({
      id: r.id,
      name: r.name,
      kit: r.kit,
      status: r.status,
      created_at: r.createdAt.toISOString(),
      updated_at: r.updatedAt.toISOString(),
    })),
    total,
  };
}

/**
 * The org's newest stacks and their latest runs, for the dashboard: runs live in each stack's
 * Durable Object, so only the `stackLimit` newest stacks are asked (in parallel), `runsEach` each.
 */
export async function stacksOverview(ctx: OrchContext, stackLimit = 8, runsEach = 3, runLimit = 8) {
  const { rows, total } = await listStacks(ctx, { limit: stackLimit, offset: 0 });
  const perStack = await Promise.all(
    rows.map(async (s) => {
      const { rows: runs } = await stackHandle(ctx.env, s.id).workflows(runsEach, 0);
      return runs.map((r) => ({ ...r, stack_name: s.name }));
    }),
  );
  const runs = perStack
    .flat()
    .sort((a, b) => b.created_at.localeCompare(a.created_at))
    .slice(0, runLimit);
  return { stacks: rows, total, runs };
}

export async function getStack(ctx: OrchContext, id: string) {
  const { row, stack } = await locate(ctx, id);
  const details = await stack.details();
  if (!details) throw new ApiError('NOT_FOUND', `stack ${id} not found`);
  return { ...details, created_at: row.createdAt.toISOString(), updated_at: row.updatedAt.toISOString() };
}

export async function deleteStack(ctx: OrchContext, id: string, force: boolean) {
  const { stack } = await locate(ctx, id);
  unwrap(await stack.destroyStorage(force));
  await index.deleteStack(ctx.db, ctx.principal.orgId, id);
  return { id, deleted: true };
}

export async function addSpecVersion(ctx: OrchContext, id: string, input: SpecInput) {
  const { row, stack } = await locate(ctx, id);
  if (input.version.name !== row.name) {
    throw new ApiError(
      'VALIDATION_FAILED',
      `the spec names stack ${input.version.name}, but this stack is ${row.name}`,
      {
        details: [{ path: 'name', code: 'invalid_value', message: `must stay ${row.name}` }],
      },
    );
  }
  const version = await stack.addVersion(input.version);
  if (input.bindings) await stack.setBindings(input.bindings as Record<string, Binding>);
  await index.setStackStatus(ctx.db, id, { kit: input.version.kit });
  return version;
}

export async function listVersions(ctx: OrchContext, id: string) {
  const { stack } = await locate(ctx, id);
  return stack.versions();
}

export async function rollback(ctx: OrchContext, id: string, version: number) {
  const { stack } = await locate(ctx, id);
  const added = unwrap(await stack.rollback(version));
  await index.setStackStatus(ctx.db, id, { kit: added.kit });
  return added;
}

async function versionOf(ctx: OrchContext, id: string, version?: number) {
  const { stack } = await locate(ctx, id);
  const v = version === undefined ? await stack.currentVersion() : await stack.getVersion(version);
  if (!v) throw new ApiError('NOT_FOUND', `stack ${id} has no spec version ${version}`);
  return v;
}

export async function getSpec(ctx: OrchContext, id: string, version?: number) {
  const v = await versionOf(ctx, id, version);
  return {
    version: v.version,
    format: v.format,
    source: v.source,
    spec: specOfVersion(v),
    options: v.options,
    tofu: v.tofu,
  };
}

export async function getPlan(ctx: OrchContext, id: string) {
  const v = await versionOf(ctx, id);
  const plan = resolve(specOfVersion(v), v.options);
  return { version: v.version, plan, jobs: generateArtifacts(id, plan, v) };
}

/** Everything needed to run the stack elsewhere: the spec text, the plan, OpenTofu files, jobs. */
export async function exportStack(ctx: OrchContext, id: string) {
  const details = await getStack(ctx, id);
  const v = await versionOf(ctx, id);
  const plan = resolve(specOfVersion(v), v.options);
  return {
    stack: { id, name: details.name, kit: details.kit, version: v.version, bindings: details.bindings },
    kombination: { format: v.format, source: v.source },
    plan,
    files: { ...toOpenTofu(plan), ...(v.tofu?.files ?? {}) },
    jobs: generateArtifacts(id, plan, v),
  };
}

export async function setBindings(ctx: OrchContext, id: string, bindings: Record<string, Binding>) {
  const { stack } = await locate(ctx, id);
  const v = (await stack.currentVersion())!;
  checkBindingNodes(bindings, specOfVersion(v));
  await checkSimulationBindings(ctx, bindings);
  const workers = await orgWorkers(ctx);
  for (const [node, b] of Object.entries(bindings)) {
    if ('worker_id' in b && !workers.some((w) => w.id === b.worker_id)) {
      throw new ApiError('VALIDATION_FAILED', `worker ${b.worker_id} not found`, {
        details: [
          {
            path: `bindings.${node}.worker_id`,
            code: 'invalid_reference',
            message: 'no such worker in this org',
          },
        ],
      });
    }
  }
  return stack.setBindings(bindings);
}

export async function setDriftInterval(ctx: OrchContext, id: string, seconds: number) {
  const { stack } = await locate(ctx, id);
  return stack.setDriftInterval(seconds);
}

async function orgWorkers(ctx: OrchContext): Promise<AgentRow[]> {
  return (await listAgents(ctx.db, ctx.principal.orgId, { limit: 1000, offset: 0 })).rows;
}

/** The worker a binding picks (default: the worker named like the node), or why none. */
export function bindWorker(
  node: string,
  binding: Binding | undefined,
  workers: AgentRow[],
): AgentRow | string {
  if (binding && 'worker_id' in binding)
    return workers.find((w) => w.id === binding.worker_id) ?? `worker ${binding.worker_id} is not enrolled`;
  if (binding && 'simulation' in binding) {
    // The agent inside a KombiSim node is named after its simulation and node; its hostname is
    // the node's name (sim.node.create), and only the org's own workers are candidates.
    const w = workers.find((x) => x.simulationId === binding.simulation && x.facts.hostname === binding.node);
    return (
      w ??
      `node ${binding.node} of simulation ${binding.simulation} has no enrolled worker (is the simulation a deploy target and running?)`
    );
  }
  if (binding && 'labels' in binding) {
    const match = workers.filter((w) =>
      Object.entries(binding.labels).every(([k, v]) => String(w.facts[k] ?? '') === v),
    );
    if (match.length === 1) return match[0]!;
    return match.length === 0
      ? 'no worker matches the labels'
      : `${match.length} workers match the labels; bind one explicitly`;
  }
  const name = binding && 'worker_name' in binding ? binding.worker_name : node;
  const named = workers.filter((w) => w.name === name);
  if (named.length === 1) return named[0]!;
  return named.length === 0
    ? `no worker named ${name}`
    : `${named.length} workers are named ${name}; bind one explicitly`;
}

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
  return stack.startWorkflow({
    kind,
    options,
    workers: bound,
    requestedBy: actor(ctx.principal),
    baseUrl: ctx.baseUrl,
  });
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

export async function listWorkflows(ctx: OrchContext, id: string, page: { limit: number; offset: number }) {
  const { stack } = await locate(ctx, id);
  return stack.workflows(page.limit, page.offset);
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

/** Stack nodes with the worker each is bound to and that worker's status. */
export async function listNodes(ctx: OrchContext) {
  const { rows } = await index.listStacks(ctx.db, ctx.principal.orgId, { limit: 1000, offset: 0 });
  const workers = await orgWorkers(ctx);
  const offlineAfter = offlineAfterMs(ctx.config);
  const out = [];
  for (const row of rows) {
    const stack = stackHandle(ctx.env, row.id);
    const [details, v] = await Promise.all([stack.details(), stack.currentVersion()]);
    if (!details || !v) continue;
    for (const node of specOfVersion(v).nodes) {
      const w = bindWorker(node.name, details.bindings[node.name], workers);
      const online =
        typeof w !== 'string' &&
        w.connectedAt !== null &&
        Date.now() - (w.lastSeenAt?.getTime() ?? 0) < offlineAfter;
      out.push({
        id: `${row.id}/${node.name}`,
        stack_id: row.id,
        stack_name: row.name,
        name: node.name,
        type: node.type,
        provider: node.provider,
        worker_id: typeof w === 'string' ? null : w.id,
        worker_name: typeof w === 'string' ? null : w.name,
        binding: details.bindings[node.name] ?? { worker_name: node.name },
        status:
          typeof w === 'string'
            ? 'unbound'
            : w.approvedAt === null
              ? 'pending_approval'
              : online
                ? 'online'
                : 'offline',
        ...(typeof w === 'string' ? { problem: w } : {}),
      });
    }
  }
  return out;
}

export { readSpecInput };
