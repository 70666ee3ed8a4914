/**
 * Delivering a job notice (job-notice.ts) to its receiver. Every receiver applies a notice at most
 * once (keyed by job id), because a notice whose delivery failed is delivered again.
 */
import type { Db } from '../platform/db/client.ts';
import type { Env } from '../platform/env.ts';
import { applyNodeOutcome } from '../simulations/node-outcome.ts';
import { stackHandle } from '../stacks/object/stack-handle.ts';
import type { JobEnd, JobNotify } from './job-notice.ts';

/** What delivering needs from the AgentObject: its bindings and a database for its turn. */
export interface NoticeDeps {
  env: Env;
  withDb<T>(fn: (db: Db) => Promise<T>): Promise<T>;
}

/** Delivers one notice; throws when the receiver could not take it (the notifier retries). */
export async function deliverNotice(
  deps: NoticeDeps,
  target: JobNotify,
  jobId: string,
  end: JobEnd,
): Promise<void> {
  switch (target.kind) {
    case 'stack':
      // false means the stack had it already (or no longer exists): delivered all the same.
      await stackHandle(deps.env, target.stackId).jobEnded(jobId, end);
      return;
    case 'simulation':
      await deps.withDb((db) => applyNodeOutcome(db, target, jobId, end));
      return;
  }
}
