/**
 * The small interface the Worker uses to reach a stack's OpenTofu state in its StackObject (the
 * RPC methods in the "OpenTofu state backend" section of stack-object.ts). One object per stack,
 * addressed by `idFromName(stackId)`.
 */
import type { Env } from '../platform/env.ts';
import type { HeldLock, PutStateInput, StoredState, VersionInfo, WriteRefusal } from './state-store.ts';

export interface TofuStateObject {
  /** Records the stack's org at first use (the stacks API calls it when a stack is created). */
  claim(orgId: string): Promise<{ orgId: string; claimed: boolean }>;
  claimedBy(): Promise<string | null>;
  tofuState(): Promise<StoredState | null>;
  tofuPutState(
    input: PutStateInput,
  ): Promise<{ ok: true; version: number; unchanged: boolean } | WriteRefusal>;
  tofuLock(req: {
    id: string;
    info: string;
    by: string;
  }): Promise<{ ok: true } | { ok: false; held: HeldLock }>;
  tofuUnlock(
    req: { id: string } | { force: true },
  ): Promise<{ ok: true; released: HeldLock | null } | { ok: false; held: HeldLock }>;
  tofuDeleteState(req: {
    lockId: string | null;
    by: string;
    keep: number;
  }): Promise<{ ok: true; deleted: boolean } | WriteRefusal>;
  tofuVersions(): Promise<VersionInfo[]>;
  tofuLockHeld(): Promise<HeldLock | null>;
}

export function tofuStateObject(env: Env, stackId: string): TofuStateObject {
  return env.STACKS.get(env.STACKS.idFromName(stackId)) as unknown as TofuStateObject;
}
