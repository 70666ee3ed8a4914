/**
 * Short-lived tokens the agent signs with its own key for every call. Cached until a minute before
 * expiry so a busy agent does not sign per call.
 */
import { importJWK, SignJWT } from 'jose';
import type { Identity } from './identity.ts';

const LIFETIME_S = 300;

export function createTokenSource(identity: Identity): () => Promise<string> {
  let cached: { token: string; expiresAt: number } | null = null;
  let key: CryptoKey | Uint8Array | null = null;
  return async () => {
    const now = Math.floor(Date.now() / 1000);
    if (cached && cached.expiresAt - now > 60) return cached.token;
    key ??= await importJWK(identity.private_key_jwk, 'ES256');
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .setIssuer(identity.agent_id)
      .setSubject(identity.agent_id)
      .setAudience(identity.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + LIFETIME_S)
      .setJti(crypto.randomUUID())
      .sign(key);
    cached = { token, expiresAt: now + LIFETIME_S };
    return token;
  };
}
