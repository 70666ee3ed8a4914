/**
 * The small interface the Worker uses to reach a stack's OpenTofu state in its StackObject (the
 * RPC methods in the "OpenTofu state backend" section of stack-object.ts). One object per stack,
 * addressed by `idFromName(stackId)`.
 */
import type { Env } from '../platform/env.ts';
import type { Result } from '../platform/result.ts';
import type { HeldLock, PutStateInput, StoredState, VersionInfo } from './state-store.ts';

export interface TofuStateObject {
  /** Records the stack's org at first use (the stacks API calls it when a stack is created). */
  claim(orgId: string): Promise<{ orgId: string; claimed: boolean }>;
  claimedBy(): Promise<string | null>;
  tofuState(): Promise<StoredState | null>;
  /** Refusals are CONFLICT; one against someone else's lock carries it (`heldLockOf`). */
  tofuPutState(input: PutStateInput): Promise<Result<{ version: number; unchanged: boolean }, 'CONFLICT'>>;
  tofuLock(req: { id: string; info: string; by: string }): Promise<Result<undefined, 'CONFLICT'>>;
  tofuUnlock(
    req: { id: string } | { force: true },
  ): Promise<Result<{ released: HeldLock | null }, 'CONFLICT'>>;
  tofuDeleteState(req: {
    lockId: string | null;
    by: string;
    keep: number;
  }): Promise<Result<{ deleted: boolean }, 'CONFLICT'>>;
  tofuVersions(): Promise<VersionInfo[]>;
  tofuLockHeld(): Promise<HeldLock | null>;
}

export function tofuStateObject(env: Env, stackId: string): TofuStateObject {
  return env.STACKS.get(env.STACKS.idFromName(stackId)) as unknown as TofuStateObject;
}
