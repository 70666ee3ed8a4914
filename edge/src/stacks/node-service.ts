import { offlineAfterMs } from '../platform/config.ts';
import { bindWorker, type OrchContext, orgWorkers } from './access.ts';
import { stackHandle } from './object/stack-handle.ts';
import { specOfVersion } from './spec-input.ts';
import * as index from './store.ts';

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
