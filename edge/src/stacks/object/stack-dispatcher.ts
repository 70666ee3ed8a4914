/**
 * How a stack's workflow engine reaches workers: through the jobs domain's one `submitJob`, with a
 * `stack` notice so the worker's AgentObject tells this stack when each job ends (the StackObject's
 * `jobEnded`). Only the jobs surface is imported, never the AgentObject itself.
 */
import { agentQueue, submitJob } from '../../jobs/index.ts';
import type { Db } from '../../platform/db/client.ts';
import type { Env } from '../../platform/env.ts';
import { getAgent } from '../../workers/index.ts';
import type { Dispatcher } from './engine.ts';

export function stackDispatcher(deps: {
  env: Env;
  stackId: string;
  orgId: string;
  withDb<T>(fn: (db: Db) => Promise<T>): Promise<T>;
}): Dispatcher {
  const { env, stackId, orgId } = deps;
  return {
    enqueue: async (job) => {
      const submitted = await deps.withDb((db) =>
        submitJob(
          { db, env },
          {
            id: job.id,
            orgId,
            agentId: job.workerId,
            type: job.type,
            params: job.params,
            notify: { kind: 'stack', stackId, workflowId: job.workflowId },
            // The engine dispatches a pending job again until one try is acknowledged.
            retry: true,
          },
        ),
      );
      if (submitted.ok) return;
      // The engine records why in the run's events and tries again on its next tick.
      if (submitted.refusal.code === 'NOT_FOUND') {
        throw new Error(`worker ${job.workerId} is not enrolled in this org`);
      }
      throw new Error(submitted.refusal.message);
    },
    cancel: async (job, reason) => {
      await agentQueue(env, job.workerId).cancelJob(job.id, reason);
    },
    connected: async (workerId) =>
      (await deps.withDb((db) => getAgent(db, orgId, workerId)))?.connectedAt != null,
  };
}
