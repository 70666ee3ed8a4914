/**
 * The interface handlers use to reach a stack's StackObject (as agent-queue.ts does for workers):
 * its RPC surface stays explicit, and the deep type inference of stubs stays out of handler code.
 */
import type { Env } from '../../platform/env.ts';
import type { JobOutcome } from './engine.ts';
import type { StackObject } from './stack-object.ts';

type Remote<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

export type StackHandle = Remote<
  Pick<
    StackObject,
    | 'init'
    | 'details'
    | 'currentVersion'
    | 'getVersion'
    | 'versions'
    | 'addVersion'
    | 'rollback'
    | 'setBindings'
    | 'setDriftInterval'
    | 'destroyStorage'
    | 'startWorkflow'
    | 'workflow'
    | 'workflows'
    | 'progress'
    | 'approve'
    | 'reject'
    | 'cancel'
  >
> & { jobEnded(jobId: string, outcome: JobOutcome): Promise<boolean> };

export function stackHandle(env: Env, stackId: string): StackHandle {
  return env.STACKS.get(env.STACKS.idFromName(stackId)) as unknown as StackHandle;
}

/** Workflow ids carry their stack's id (`wfl_<stack>_<random>`), so a workflow needs no index of its own. */
export function stackIdOfWorkflow(workflowId: string): string | null {
  const m = /^wfl_([a-z2-7]+)_[a-z2-7]+$/.exec(workflowId);
  return m ? `stk_${m[1]}` : null;
}
