/**
 * What the browser holds: a sealed (JWE, A256GCM) sign-in state during the redirect dance, and a
 * signed (HS256) reference to a session row afterwards. Both keys derive from SESSION_SECRET; the
 * session row, not the cookie, decides whether a session is still alive.
 */
import { base64url as b64url, EncryptJWT, jwtDecrypt, jwtVerify, SignJWT } from 'jose';

export const SESSION_COOKIE = 'kfy_session';

async function derive(secret: string, purpose: string): Promise<Uint8Array> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${purpose}\0${secret}`));
  return new Uint8Array(digest);
}

export interface SignInState {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
}

export async function sealSignInState(
  secret: string,
  value: SignInState,
  ttlSeconds: number,
): Promise<string> {
  return new EncryptJWT({ ...value })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .encrypt(await derive(secret, 'sign-in-state'));
}

export async function openSignInState(secret: string, sealed: string): Promise<SignInState | null> {
  try {
    const { payload } = await jwtDecrypt(sealed, await derive(secret, 'sign-in-state'));
    return payload as unknown as SignInState;
  } catch {
    return null;
  }
}

export interface SessionClaims {
  sid: string;
  exp: number;
}

export async function signSession(secret: string, sid: string, ttlSeconds: number): Promise<string> {
  return new SignJWT({ sid })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(await derive(secret, 'session'));
}

export async function readSession(secret: string, token: string): Promise<SessionClaims | null> {
  try {
    const { payload } = await jwtVerify(token, await derive(secret, 'session'), { algorithms: ['HS256'] });
    return typeof payload.sid === 'string' ? { sid: payload.sid, exp: payload.exp ?? 0 } : null;
  } catch {
    return null;
  }
}

/** RFC 7636 S256: base64url(SHA-256(verifier)). */
export async function pkceChallenge(verifier: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  return b64url.encode(digest);
}
