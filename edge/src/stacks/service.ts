/**
 * The orchestrator's operations as plain functions: the REST handlers and the ConnectRPC service
 * both call these, so there is one implementation behind both. Every function takes the caller's
 * org from the principal and answers NOT_FOUND for another org's stack or workflow.
 */
import { resolve, toOpenTofu } from '@kombify/stackkits';
import { ApiError } from '../platform/errors.ts';
import { randomId } from '../platform/ids.ts';
import { unwrap } from '../platform/result.ts';
import { secretVersions } from '../secrets/index.ts';
import { getSimulation, listNodesOfSimulation } from '../simulations/index.ts';
import { locate, type OrchContext, orgWorkers, planLimits } from './access.ts';
import { generateArtifacts } from './object/artifacts.ts';
import { stackHandle } from './object/stack-handle.ts';
import type { Binding } from './object/stack-object.ts';
import type { SpecVersion } from './object/stack-store.ts';
import { checkBindingNodes, readSpecInput, type SpecInput, specOfVersion } from './spec-input.ts';
import * as index from './store.ts';

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
  if (input.bindings) await checkBindingRefs(ctx, input.bindings as Record<string, Binding>);
  const { plan, limits } = await planLimits(ctx);
  const id = randomId('stk');
  const inserted = await index.insertStack(
    ctx.db,
    { id, orgId: ctx.principal.orgId, name: input.version.name, kit: input.version.kit },
    limits.stacks,
  );
  if (!inserted.ok && inserted.refusal.code === 'RESOURCE_LIMIT') {
    throw new ApiError(
      'RESOURCE_LIMIT',
      `stack limit reached: the ${plan} plan allows ${limits.stacks} stack(s); upgrade the plan or delete a stack`,
    );
  }
  const row = unwrap(inserted);
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
    return { ...details!, created_at: row.createdAt.toISOString() };
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
  return {
    ...details,
    drift: { ...details.drift, secrets: await secretDrift(ctx, details.drift.secret_versions) },
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/**
 * Secrets changed (or deleted) since the deployed run: the stack has drifted for each, and the
 * next deploy re-creates the containers using them (their `secret_rev` changes).
 */
async function secretDrift(ctx: OrchContext, deployed: Record<string, number>) {
  const paths = Object.keys(deployed);
  const now = await secretVersions(ctx.db, ctx.principal.orgId, paths);
  const changed = paths
    .filter((p) => now.get(p) !== deployed[p])
    .map((p) => ({ path: p, deployed_version: deployed[p] as number, current_version: now.get(p) ?? null }));
  return { drifted: changed.length > 0, changed };
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
  if (input.bindings) {
    checkBindingNodes(input.bindings, specOfVersion(input.version));
    await checkBindingRefs(ctx, input.bindings as Record<string, Binding>);
  }
  // The version and its bindings are kept in one transaction: never a node without its binding.
  const version = await stack.addVersion(
    input.version,
    input.bindings as Record<string, Binding> | undefined,
  );
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

/** The options the stack's runs resolve with: the version's, and the internal CA on simulations. */
function runOptions(v: SpecVersion, proxyTls: 'auto' | 'internal') {
  return { ...v.options, ...(proxyTls === 'internal' ? { proxyTls } : {}) };
}

export async function getPlan(ctx: OrchContext, id: string) {
  const details = await getStack(ctx, id);
  const v = await versionOf(ctx, id);
  const plan = resolve(specOfVersion(v), runOptions(v, details.proxy_tls));
  return { version: v.version, plan, jobs: generateArtifacts(id, plan, v) };
}

/** Everything needed to run the stack elsewhere: the spec text, the plan, OpenTofu files, jobs. */
export async function exportStack(ctx: OrchContext, id: string) {
  const details = await getStack(ctx, id);
  const v = await versionOf(ctx, id);
  const plan = resolve(specOfVersion(v), runOptions(v, details.proxy_tls));
  return {
    stack: { id, name: details.name, kit: details.kit, version: v.version, bindings: details.bindings },
    kombination: { format: v.format, source: v.source },
    plan,
    files: { ...toOpenTofu(plan), ...(v.tofu?.files ?? {}) },
    jobs: generateArtifacts(id, plan, v),
  };
}

/** Every worker and simulation the bindings name must be the caller's org's. */
async function checkBindingRefs(ctx: OrchContext, bindings: Record<string, Binding>): Promise<void> {
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
}

export async function setBindings(ctx: OrchContext, id: string, bindings: Record<string, Binding>) {
  const { stack } = await locate(ctx, id);
  const v = (await stack.currentVersion())!;
  checkBindingNodes(bindings, specOfVersion(v));
  await checkBindingRefs(ctx, bindings);
  return stack.setBindings(bindings);
}

export async function setDriftInterval(ctx: OrchContext, id: string, seconds: number) {
  const { stack } = await locate(ctx, id);
  return stack.setDriftInterval(seconds);
}

export { assertStack, type OrchContext } from './access.ts';
export * from './workflow-service.ts';
export { readSpecInput };
