/**
 * Which org owns a stack, for the state backend's tenant checks. Kept behind this one function:
 * today the StackObject remembers the org it was claimed for (`claim(orgId)`, called when a stack
 * is created); if stacks move to a Postgres table, only this changes.
 */
import { tofuDirName } from '@kombify/proto/jobs';
import type { Env } from '../platform/env.ts';
import { tofuStateObject } from './state-object.ts';

/** Stack ids as the tofu.* job params take them (they name directories on the agent). */
export function isStackId(value: string): boolean {
  return tofuDirName.safeParse(value).success;
}

export async function stackOwner(env: Env, stackId: string): Promise<string | null> {
  if (!isStackId(stackId)) return null;
  return tofuStateObject(env, stackId).claimedBy();
}

/** Records the org of a new stack (idempotent for the same org). False when another org has it. */
export async function claimStack(env: Env, stackId: string, orgId: string): Promise<boolean> {
  if (!isStackId(stackId)) return false;
  return (await tofuStateObject(env, stackId).claim(orgId)).claimed;
}
