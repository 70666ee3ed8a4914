/**
 * Faults injected into a simulated node (`POST|DELETE /api/v1/nodes/{id}/faults`), run by the host
 * agent's `sim.node.fault` job and recorded in the node's events (`GET /api/v1/nodes/{id}/events`).
 * `kill` leaves the node `stopped` (start boots it again); `pause` and `partition` last until
 * `duration_s` ends (the host agent heals) or the DELETE. Latency and loss are accepted and
 * recorded as not injectable: this kernel has no sch_netem.
 */
import { and, desc, eq } from 'drizzle-orm';
import { simNodeEvents, simNodes } from '../platform/db/schema.ts';
import { ApiError } from '../platform/errors.ts';
import { randomId } from '../platform/ids.ts';
import { findNode, refuseBusy, requireWriter } from './access.ts';
import type { SimContext } from './context.ts';
import { containerNames, nodeRef, runHostJob } from './node-jobs.ts';
import type { FaultInput } from './schemas.ts';
import { listNodesOfSimulation, type SimNodeRow } from './store.ts';
import { nodeView } from './views.ts';

async function record(ctx: SimContext, node: SimNodeRow, kind: string, message: string) {
  await ctx.db
    .insert(simNodeEvents)
    .values({ id: randomId('evt'), orgId: ctx.principal.orgId, nodeId: node.id, kind, message });
}

async function runFault(ctx: SimContext, node: SimNodeRow, params: Record<string, unknown>) {
  const job = await runHostJob(
    ctx,
    node.hostAgentId,
    'sim.node.fault',
    { ...nodeRef(node), ...params },
    30_000,
  );
  if (job.status !== 'succeeded') {
    throw new ApiError(
      'SERVICE_UNAVAILABLE',
      `the fault could not be applied: ${job.error?.message ?? job.status}`,
    );
  }
  return (job.result ?? {}) as Record<string, unknown>;
}

export async function injectFault(ctx: SimContext, id: string, input: FaultInput) {
  requireWriter(ctx);
  const node = await findNode(ctx, id);
  refuseBusy([node]);
  if (node.status !== 'running') {
    throw new ApiError(
      'VALIDATION_FAILED',
      `node ${node.name} is ${node.status}: faults need a running node`,
      {
        details: [{ path: 'id', code: 'node_not_running', message: `node ${node.name} is ${node.status}` }],
      },
    );
  }
  const others = (await listNodesOfSimulation(ctx.db, ctx.principal.orgId, node.simulationId)).filter(
    (n) => n.id !== node.id,
  );
  const from = input.from ?? [];
  const unknown = from
    .map((name, i) => ({ name, i }))
    .filter(({ name }) => !others.some((n) => n.name === name));
  if (unknown.length > 0) {
    throw new ApiError('VALIDATION_FAILED', 'partition names nodes that are not in this simulation', {
      details: unknown.map(({ name, i }) => ({
        path: `from[${i}]`,
        code: 'invalid_reference',
        message: `no node ${name} in this simulation`,
      })),
    });
  }
  if (from.length > 0 && input.kind !== 'partition') {
    throw new ApiError('VALIDATION_FAILED', '`from` goes with a partition', {
      details: [{ path: 'from', code: 'invalid_combination', message: 'only a partition is between nodes' }],
    });
  }
  const peers = others.filter((n) => from.includes(n.name));
  const result = await runFault(ctx, node, {
    kind: input.kind,
    peers: peers.map((n) => containerNames(n).container),
    ...(input.duration_s && input.kind !== 'kill' ? { duration_s: input.duration_s } : {}),
  });
  const lasting = input.duration_s && input.kind !== 'kill' ? ` for ${input.duration_s} s` : ' until healed';
  const message =
    input.kind === 'kill'
      ? 'killed (SIGKILL, as a machine losing power); start boots it again'
      : input.kind === 'pause'
        ? `paused (frozen)${lasting}`
        : `partitioned from ${from.length > 0 ? from.join(', ') : 'every other node'}${lasting}`;
  await record(ctx, node, `fault.${input.kind}`, message);
  if (input.latency_ms !== undefined || input.loss_percent !== undefined) {
    await record(
      ctx,
      node,
      'fault.unsupported',
      'latency/loss not injected: this kernel has no sch_netem (tc netem is unavailable)',
    );
  }
  if (input.kind === 'kill') {
    await ctx.db
      .update(simNodes)
      .set({ status: 'stopped', error: 'killed by an injected fault', updatedAt: new Date() })
      .where(and(eq(simNodes.id, node.id), eq(simNodes.orgId, ctx.principal.orgId)));
  }
  const after = {
    ...node,
    ...(input.kind === 'kill' ? { status: 'stopped', error: 'killed by an injected fault' } : {}),
  };
  return { node: nodeView(after), fault: { kind: input.kind, message, ...result } };
}

export async function healFaults(ctx: SimContext, id: string) {
  requireWriter(ctx);
  const node = await findNode(ctx, id);
  const result = await runFault(ctx, node, { kind: 'heal' });
  const done = (result.done as string[] | undefined) ?? [];
  await record(ctx, node, 'fault.heal', done.length > 0 ? `healed: ${done.join(', ')}` : 'nothing to heal');
  return { node: nodeView(node), healed: done };
}

export async function nodeEvents(ctx: SimContext, id: string) {
  const node = await findNode(ctx, id);
  const rows = await ctx.db
    .select()
    .from(simNodeEvents)
    .where(and(eq(simNodeEvents.nodeId, node.id), eq(simNodeEvents.orgId, ctx.principal.orgId)))
    .orderBy(desc(simNodeEvents.createdAt))
    .limit(200);
  return {
    data: rows.map((r) => ({ id: r.id, kind: r.kind, message: r.message, at: r.createdAt.toISOString() })),
  };
}
