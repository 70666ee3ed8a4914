/**
 * The one place the workflow engine asks for a stack's OpenTofu state backend. orch-state adds
 * `stateBackendFor(env, baseUrl, stack, ttl)` in edge/src/tofu-state/ (the StackObject as the HTTP
 * backend); until that is merged, tofu jobs run with the agent's local state (no `backend`).
 */
import type { Env } from '../env.ts';

export async function tofuBackendFor(
  _env: Env,
  _baseUrl: string,
  _stack: { id: string; orgId: string },
): Promise<Record<string, string> | undefined> {
  return undefined;
}
