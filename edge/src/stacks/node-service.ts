import { addNode, type Spec } from '@kombify/stackkits';
import { z } from 'zod';
import { offlineAfterMs } from '../platform/config.ts';
import { ApiError } from '../platform/errors.ts';
import { bindWorker, locate, type OrchContext, orgWorkers } from './access.ts';
import { stackHandle } from './object/stack-handle.ts';
import type { Binding } from './object/stack-object.ts';
import { addSpecVersion } from './service.ts';
import { bindingSchema, readSpecInput, specOfVersion } from './spec-input.ts';
import * as index from './store.ts';

type Workers = Awaited<ReturnType<typeof orgWorkers>>;

/** One stack's nodes, each with the worker it is bound to and that worker's status. */
function nodeViews(
  ctx: OrchContext,
  row: { id: string; name: string },
  bindings: Record<string, Binding>,
  spec: Spec,
  workers: Workers,
) {
  const offlineAfter = offlineAfterMs(ctx.config);
  return spec.nodes.map((node) => {
    const w = bindWorker(node.name, bindings[node.name], workers);
    const online =
      typeof w !== 'string' &&
      w.connectedAt !== null &&
      Date.now() - (w.lastSeenAt?.getTime() ?? 0) < offlineAfter;
    return {
      id: `${row.id}/${node.name}`,
      stack_id: row.id,
      stack_name: row.name,
      name: node.name,
      type: node.type,
      provider: node.provider,
      worker_id: typeof w === 'string' ? null : w.id,
      worker_name: typeof w === 'string' ? null : w.name,
      binding: bindings[node.name] ?? { worker_name: node.name },
      status:
        typeof w === 'string'
          ? 'unbound'
          : w.approvedAt === null
            ? 'pending_approval'
            : online
              ? 'online'
              : 'offline',
      ...(typeof w === 'string' ? { problem: w } : {}),
    };
  });
}

/** Stack nodes with the worker each is bound to and that worker's status. */
export async function listNodes(ctx: OrchContext) {
  const { rows } = await index.listStacks(ctx.db, ctx.principal.orgId, { limit: 1000, offset: 0 });
  const workers = await orgWorkers(ctx);
  const out = [];
  for (const row of rows) {
    const stack = stackHandle(ctx.env, row.id);
    const [details, v] = await Promise.all([stack.details(), stack.currentVersion()]);
    if (!details || !v) continue;
    out.push(...nodeViews(ctx, row, details.bindings, specOfVersion(v), workers));
  }
  return out;
}

/** `POST /v1/orchestrator/nodes`: the node, checked by the spec's own rules, and its binding. */
export const addNodeBody = z
  .object({
    stack_id: z.string().min(1).max(64),
    node: z.record(z.string(), z.unknown()),
    binding: bindingSchema.optional(),
  })
  .strict();

/**
 * Adds a node to a stack's spec as a new version and binds it, in one call: the spec with the node
 * is validated and resolved, the binding's worker or simulation checked (by addSpecVersion), and only then is the
 * version kept — with the bindings, in one transaction.
 */
export async function addNodeToStack(ctx: OrchContext, body: z.output<typeof addNodeBody>) {
  const { row, stack } = await locate(ctx, body.stack_id);
  const [details, current] = await Promise.all([stack.details(), stack.currentVersion()]);
  if (!details || !current) throw new ApiError('NOT_FOUND', `stack ${body.stack_id} not found`);
  const added = addNode({ into: current.source, node: body.node });
  if (!added.yaml) {
    const taken = added.errors.find((e) => e.path === 'node.name' && e.code === 'duplicate');
    const first = added.errors[0];
    throw new ApiError(
      taken ? 'CONFLICT' : 'VALIDATION_FAILED',
      taken
        ? taken.message
        : `the node cannot be added: ${first ? `${first.path}: ${first.message}` : 'invalid'}`,
      { details: added.errors },
    );
  }
  const name = String(body.node.name);
  // Bound in the same call: addSpecVersion checks the binding's worker or simulation first.
  const bindings = body.binding ? { ...details.bindings, [name]: body.binding as Binding } : details.bindings;
  const input = readSpecInput(
    'application/json',
    JSON.stringify({
      yaml: added.yaml,
      options: current.options,
      ...(current.tofu ? { tofu: { files: current.tofu.files, vars: current.tofu.vars } } : {}),
      note: `added node ${name}`,
      ...(body.binding ? { bindings } : {}),
    }),
  );
  const version = await addSpecVersion(ctx, body.stack_id, input);
  const spec = specOfVersion({ format: 'yaml', source: added.yaml });
  const views = nodeViews(ctx, row, bindings, spec, await orgWorkers(ctx));
  return { node: views.find((n) => n.name === name)!, version };
}
