/**
 * Who may use a stack's OpenTofu state. OpenTofu's HTTP backend sends HTTP Basic; the password is
 * either a state credential (a short-lived token for one stack, from `stateBackendFor`) or an
 * operator's API key or issuer access token of the org that owns the stack — the same gate as the
 * rest of the API, so a user can run `tofu` or `force-unlock` themselves. Bearer works too.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { gate, operatorRoles } from '../accounts/index.ts';
import { bearerToken } from '../platform/bearer-token.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { looksLikeStateCredential, verifyStateCredential } from './state-credential.ts';

export type StateAccess =
  | { kind: 'credential'; orgId: string; stackId: string; by: string }
  | { kind: 'operator'; orgId: string; by: string };

export interface TofuStateEnv {
  Bindings: AppEnv['Bindings'];
  Variables: AppEnv['Variables'] & { stateAccess: StateAccess };
}

const challenge = { 'WWW-Authenticate': 'Basic realm="kombify OpenTofu state", charset="UTF-8"' };

/** The password of `Authorization: Basic` (the user name is not used), else a Bearer token or X-API-Key. */
export function presentedSecret(
  authorization: string | undefined,
  apiKey: string | undefined,
): string | null {
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization?.trim() ?? '');
  if (basic) {
    let decoded: string;
    try {
      decoded = atob(basic[1]!);
    } catch {
      return null;
    }
    const colon = decoded.indexOf(':');
    return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : null;
  }
  return bearerToken(authorization) ?? apiKey ?? null;
}

export const stateAuth = createMiddleware<TofuStateEnv>(async (c, next) => {
  const presented = presentedSecret(c.req.header('authorization'), c.req.header('x-api-key'));
  if (!presented) {
    throw new ApiError(
      'AUTH_REQUIRED',
      'OpenTofu state needs a credential: HTTP Basic with a state credential or an API key as the password',
      { headers: challenge },
    );
  }
  if (looksLikeStateCredential(presented)) {
    const secret = c.get('config').TOFU_STATE_CREDENTIAL_SECRET;
    if (!secret) {
      throw new ApiError('SERVICE_UNAVAILABLE', 'the OpenTofu state backend is not configured');
    }
    const scope = await verifyStateCredential(secret, presented);
    if (!scope) {
      throw new ApiError('AUTH_INVALID', 'state credential is invalid or expired', { headers: challenge });
    }
    c.set('stateAccess', { kind: 'credential', ...scope, by: 'state-credential' });
    await next();
    return;
  }
  const operator = gate(operatorRoles, 'tofu-state', () => presented);
  await operator(c as unknown as Context<AppEnv>, async () => {
    const p = c.get('principal');
    c.set('stateAccess', { kind: 'operator', orgId: p.orgId, by: `${p.kind}:${p.id}` });
    await next();
  });
});
