/**
 * Agent tokens: short-lived ES256 JWTs an agent signs with the private key it made at enrollment.
 * The edge checks them against the public key stored at enrollment. Cheap checks (shape, claims)
 * run before the signature, in the manner of RFC 8725 (JWT best practices): the algorithm is
 * pinned, never taken from the token.
 */
import { decodeJwt, decodeProtectedHeader, errors, importJWK, jwtVerify } from 'jose';
import { ApiError } from '../platform/errors.ts';

export const AGENT_TOKEN_AUDIENCE = 'kombify:agent-api';
/** Longest lifetime (exp - iat) an agent token may claim. */
export const MAX_AGENT_TOKEN_LIFETIME_S = 600;
const AGENT_ID = /^agt_[a-z2-7]{26}$/;
/** Clock skew allowed between an agent and the edge. */
const CLOCK_TOLERANCE_S = 30;

export { bearerToken } from '../platform/bearer-token.ts';

/** Reads the agent id from a token without verifying it: only to route the call to the agent's object. */
export function agentIdFromToken(token: string): string | null {
  try {
    const sub = decodeJwt(token).sub;
    return typeof sub === 'string' && AGENT_ID.test(sub) ? sub : null;
  } catch {
    return null;
  }
}

/**
 * What can be known of an agent token without its key, checked before the call is routed to the
 * agent's Durable Object (issue 20, M7): the pinned algorithm, the audience, issuer = subject =
 * an agent id, and a short lifetime that has begun and not ended (L1: an `iat` in the future is
 * refused; jose checks it only with `maxTokenAge`). The signature is the object's to check.
 */
export function precheckAgentToken(
  token: string,
  nowS = Math.floor(Date.now() / 1000),
): { ok: true; agentId: string } | { ok: false; reason: string } {
  let alg: unknown;
  let claims: ReturnType<typeof decodeJwt>;
  try {
    alg = decodeProtectedHeader(token).alg;
    claims = decodeJwt(token);
  } catch {
    return { ok: false, reason: 'agent token is malformed' };
  }
  if (alg !== 'ES256') return { ok: false, reason: 'agent token must be signed with ES256' };
  const sub = claims.sub;
  if (typeof sub !== 'string' || !AGENT_ID.test(sub) || claims.iss !== sub)
    return { ok: false, reason: 'agent token is malformed' };
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(AGENT_TOKEN_AUDIENCE))
    return { ok: false, reason: 'agent token is for another audience' };
  const { iat, exp } = claims;
  if (typeof iat !== 'number' || typeof exp !== 'number')
    return { ok: false, reason: 'agent token is malformed' };
  if (exp <= nowS - CLOCK_TOLERANCE_S) return { ok: false, reason: 'agent token expired' };
  if (iat > nowS + CLOCK_TOLERANCE_S) return { ok: false, reason: 'agent token is issued in the future' };
  if (exp - iat > MAX_AGENT_TOKEN_LIFETIME_S)
    return { ok: false, reason: `agent token lifetime exceeds ${MAX_AGENT_TOKEN_LIFETIME_S} s` };
  return { ok: true, agentId: sub };
}

export function isAgentId(value: string): boolean {
  return AGENT_ID.test(value);
}

/** Checks that a JWK is a public P-256 key and returns only its public members. */
export function publicEcJwk(value: unknown): JsonWebKey | null {
  if (!value || typeof value !== 'object') return null;
  const jwk = value as Record<string, unknown>;
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || 'd' in jwk) return null;
  if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string') return null;
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}

export async function verifyAgentToken(
  token: string,
  agentId: string,
  publicKeyJwk: JsonWebKey,
): Promise<void> {
  let key: CryptoKey | Uint8Array;
  try {
    key = await importJWK(publicKeyJwk as Parameters<typeof importJWK>[0], 'ES256');
  } catch (cause) {
    throw new ApiError('INTERNAL_ERROR', 'stored agent key is unusable', { cause });
  }
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['ES256'],
      audience: AGENT_TOKEN_AUDIENCE,
      issuer: agentId,
      subject: agentId,
      requiredClaims: ['exp', 'iat'],
      clockTolerance: CLOCK_TOLERANCE_S,
    });
    if ((payload.exp ?? 0) - (payload.iat ?? 0) > MAX_AGENT_TOKEN_LIFETIME_S) {
      throw new ApiError('AUTH_INVALID', `agent token lifetime exceeds ${MAX_AGENT_TOKEN_LIFETIME_S} s`);
    }
    // jose checks `iat` only with maxTokenAge: a token dated ahead would outlive its lifetime cap.
    if ((payload.iat ?? 0) > Math.floor(Date.now() / 1000) + CLOCK_TOLERANCE_S) {
      throw new ApiError('AUTH_INVALID', 'agent token is issued in the future');
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof errors.JWTExpired) throw new ApiError('AUTH_INVALID', 'agent token expired');
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      throw new ApiError('AUTH_INVALID', "agent token signature does not match the agent's enrolled key");
    }
    if (error instanceof errors.JWTClaimValidationFailed) {
      throw new ApiError('AUTH_INVALID', `agent token rejected: ${error.message}`);
    }
    throw new ApiError('AUTH_INVALID', 'agent token is malformed');
  }
}
