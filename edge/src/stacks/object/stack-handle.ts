/**
 * How the rest of the edge reaches a stack's StackObject: the methods it uses, picked from the
 * class and viewed through `Remote` (platform/remote.ts), which keeps `Result` unions intact.
 */
import type { Env } from '../../platform/env.ts';
import { type Remote, remote } from '../../platform/remote.ts';
import type { StackObject } from './stack-object.ts';

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
    | 'jobEnded'
  >
>;

export function stackHandle(env: Env, stackId: string): StackHandle {
  return remote(env.STACKS.get(env.STACKS.idFromName(stackId)));
}

/** Workflow ids carry their stack's id (`wfl_<stack>_<random>`), so a workflow needs no index of its own. */
export function stackIdOfWorkflow(workflowId: string): string | null {
  const m = /^wfl_([a-z2-7]+)_[a-z2-7]+$/.exec(workflowId);
  return m ? `stk_${m[1]}` : null;
}
