/**
 * State credentials: short-lived HS256 JWTs that let one OpenTofu run (on an agent) use one
 * stack's state and nothing else. The key derives from TOFU_STATE_CREDENTIAL_SECRET; issuer and
 * audience are pinned and the algorithm never comes from the token (RFC 8725).
 */
import { decodeJwt, jwtVerify, SignJWT } from 'jose';
import { randomId } from '../platform/ids.ts';

export const STATE_CREDENTIAL_ISSUER = 'kombify:tofu-state';
/** Longest lifetime a credential may have (a plan or an apply, not a standing key). */
export const MAX_STATE_CREDENTIAL_SECONDS = 86_400;

async function signingKey(secret: string): Promise<Uint8Array> {
  const digest = await crypto.subtle.digest(
    'SHA-256',
    new TextEncoder().encode(`tofu-state-credential\0${secret}`),
  );
  return new Uint8Array(digest);
}

export async function signStateCredential(
  secret: string,
  scope: { stackId: string; orgId: string },
  ttlSeconds: number,
): Promise<{ token: string; expiresAt: Date }> {
  const now = Math.floor(Date.now() / 1000);
  const exp = now + Math.min(ttlSeconds, MAX_STATE_CREDENTIAL_SECONDS);
  const token = await new SignJWT({ org: scope.orgId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(STATE_CREDENTIAL_ISSUER)
    .setAudience(STATE_CREDENTIAL_ISSUER)
    .setSubject(scope.stackId)
    .setJti(randomId('stc'))
    .setIssuedAt(now)
    .setExpirationTime(exp)
    .sign(await signingKey(secret));
  return { token, expiresAt: new Date(exp * 1000) };
}

/** Cheap shape check (no signature): is this meant to be a state credential? */
export function looksLikeStateCredential(token: string): boolean {
  try {
    return decodeJwt(token).iss === STATE_CREDENTIAL_ISSUER;
  } catch {
    return false;
  }
}

/** The credential's stack and org, or null when it is forged, expired or malformed. */
export async function verifyStateCredential(
  secret: string,
  token: string,
): Promise<{ stackId: string; orgId: string } | null> {
  try {
    const { payload } = await jwtVerify(token, await signingKey(secret), {
      algorithms: ['HS256'],
      issuer: STATE_CREDENTIAL_ISSUER,
      audience: STATE_CREDENTIAL_ISSUER,
      requiredClaims: ['exp', 'iat', 'sub'],
      clockTolerance: 30,
    });
    if ((payload.exp ?? 0) - (payload.iat ?? 0) > MAX_STATE_CREDENTIAL_SECONDS) return null;
    if (typeof payload.sub !== 'string' || typeof payload.org !== 'string') return null;
    return { stackId: payload.sub, orgId: payload.org };
  } catch {
    return null;
  }
}
