import { loadConfig } from '../platform/config.ts';
import type { Env } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { signStateCredential } from './state-credential.ts';

/** The backend block's username; the password (the credential) carries stack, org and expiry. */
export const STATE_USERNAME = 'kombify';

/** Where a stack's state lives: GET/POST state, LOCK/UNLOCK, all at one address. */
export function stateAddress(baseUrl: string, stackId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/v1/tofu-state/${encodeURIComponent(stackId)}`;
}

/** Backend settings for a stack's OpenTofu state, with a short-lived credential scoped to that stack. */
export async function stateBackendFor(
  env: Env,
  baseUrl: string,
  stack: { id: string; orgId: string },
  ttlSeconds?: number,
): Promise<{
  address: string;
  lock_address: string;
  unlock_address: string;
  username: string;
  password: string;
}> {
  const config = loadConfig(env);
  if (!config.TOFU_STATE_CREDENTIAL_SECRET) {
    throw new ApiError(
      'SERVICE_UNAVAILABLE',
      'the OpenTofu state backend is not configured (TOFU_STATE_CREDENTIAL_SECRET)',
    );
  }
  const { token } = await signStateCredential(
    config.TOFU_STATE_CREDENTIAL_SECRET,
    { stackId: stack.id, orgId: stack.orgId },
    ttlSeconds ?? config.TOFU_STATE_CREDENTIAL_TTL_SECONDS,
  );
  const address = stateAddress(baseUrl, stack.id);
  return {
    address,
    lock_address: address,
    unlock_address: address,
    username: STATE_USERNAME,
    password: token,
  };
}
