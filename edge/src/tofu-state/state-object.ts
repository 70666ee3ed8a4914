/**
 * The part of the StackObject's stub the Worker uses to reach a stack's OpenTofu state in its StackObject (the
 * RPC methods in the "OpenTofu state backend" section of stack-object.ts). One object per stack,
 * addressed by `idFromName(stackId)`.
 */
import type { Env } from '../platform/env.ts';
import { type Remote, remote } from '../platform/remote.ts';
// A type-only import: the StackObject serves the state, and its stub is typed from the class.
import type { StackObject } from '../stacks/index.ts';

export type TofuStateObject = Remote<
  Pick<
    StackObject,
    | 'claim'
    | 'claimedBy'
    | 'tofuState'
    | 'tofuPutState'
    | 'tofuLock'
    | 'tofuUnlock'
    | 'tofuDeleteState'
    | 'tofuVersions'
    | 'tofuLockHeld'
  >
>;

export function tofuStateObject(env: Env, stackId: string): TofuStateObject {
  return remote(env.STACKS.get(env.STACKS.idFromName(stackId)));
}
