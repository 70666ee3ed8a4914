/** Which worker hosts a simulation's containers. */
import { offlineAfterMs } from '../platform/config.ts';
import { ApiError } from '../platform/errors.ts';
import type { SimContext } from './context.ts';
import { hostCandidates } from './store.ts';

/** An explicit worker of the org, or the org's only online (non-simulated) worker. */
export async function pickHost(ctx: SimContext, workerId: string | undefined): Promise<string> {
  const candidates = await hostCandidates(ctx.db, ctx.principal.orgId);
  const offlineAfter = offlineAfterMs(ctx.config);
  const now = Date.now();
  const online = candidates.filter(
    (a) => a.connectedAt !== null && now - (a.lastSeenAt?.getTime() ?? 0) < offlineAfter,
  );
  if (workerId) {
    const chosen = candidates.find((a) => a.id === workerId);
    if (!chosen) {
      throw new ApiError('VALIDATION_FAILED', `worker ${workerId} not found`, {
        details: [{ path: 'worker_id', code: 'invalid_reference', message: 'no such worker in your org' }],
      });
    }
    if (!online.includes(chosen)) {
      throw new ApiError('SERVICE_UNAVAILABLE', `worker ${workerId} is offline; start its agent and retry`);
    }
    return chosen.id;
  }
  if (online.length === 1) return online[0]!.id;
  if (online.length === 0) {
    throw new ApiError(
      'SERVICE_UNAVAILABLE',
      'no online worker to run the simulation on: start the kombify agent on your machine (npm start does), then retry',
    );
  }
  throw new ApiError('VALIDATION_FAILED', 'several workers are online: say which one runs the simulation', {
    details: [
      { path: 'worker_id', code: 'required', message: `one of ${online.map((a) => a.id).join(', ')}` },
    ],
  });
}
