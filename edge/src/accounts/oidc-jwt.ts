/**
 * Bearer JWTs from the OpenID issuer (Zitadel in production, the local oidc-provider in
 * development), checked with jose against the issuer's JWKS. Cheap checks run before the
 * signature (shape, algorithm, issuer), as RFC 8725 advises: the algorithm comes from our allow
 * list, never from the token, so `none` and HMAC-with-a-public-key cannot pass.
 */
import {
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  jwtVerify,
} from 'jose';
import { ApiError } from '../platform/errors.ts';

const ALLOWED_ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'];

export interface OidcSettings {
  issuer: string;
  audience: string;
  /** How soon after a miss the JWKS may be fetched again (jose's cooldown). */
  jwksCooldownMs: number;
}

export interface TokenIdentity {
  sub: string;
  email: string | null;
  /**
   * The issuer vouches for the address (`email_verified: true`, OpenID Connect Core §5.1). Only a
   * verified address accepts invitations or replaces the one on record (issue 20, H1).
   */
  emailVerified: boolean;
  name: string | null;
  /** Zitadel's org claim, when the issuer sends one. */
  orgId: string | null;
  roles: string[];
}

type Jwks = ReturnType<typeof createRemoteJWKSet>;
/**
 * Public keys per issuer, kept for the isolate's lifetime: they are public, identical for every
 * request, and jose refetches them when a token names a kid it does not know (key rotation).
 */
const keySets = new Map<string, Jwks>();

/** The issuer's discovery document and key set, fetched once per isolate. */
export async function keySet(settings: OidcSettings): Promise<Jwks> {
  const cacheKey = `${settings.issuer}|${settings.jwksCooldownMs}`;
  const known = keySets.get(cacheKey);
  if (known) return known;
  const discovery = `${settings.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let jwksUri: string;
  try {
    const res = await fetch(discovery);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    jwksUri = ((await res.json()) as { jwks_uri?: string }).jwks_uri ?? '';
    if (!jwksUri) throw new Error('no jwks_uri');
  } catch (cause) {
    throw new ApiError('SERVICE_UNAVAILABLE', 'the identity provider cannot be reached to check the token', {
      cause,
    });
  }
  const jwks = createRemoteJWKSet(new URL(jwksUri), { cooldownDuration: settings.jwksCooldownMs });
  keySets.set(cacheKey, jwks);
  return jwks;
}

export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

export async function verifyAccessToken(token: string, settings: OidcSettings): Promise<TokenIdentity> {
  let alg: string | undefined;
  let typ: string | undefined;
  let unverified: JWTPayload;
  try {
    ({ alg, typ } = decodeProtectedHeader(token));
    unverified = decodeJwt(token);
  } catch {
    throw new ApiError('AUTH_INVALID', 'bearer token is not a well-formed JWT');
  }
  if (!alg || !ALLOWED_ALGS.includes(alg))
    throw new ApiError('AUTH_INVALID', `token algorithm ${alg ?? 'none'} is not accepted`);
  if (!isAccessToken(typ, unverified))
    throw new ApiError('AUTH_INVALID', 'an id token is not an access token: send the access token');
  if (unverified.iss !== settings.issuer)
    throw new ApiError('AUTH_INVALID', 'token was not issued by the configured issuer');

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, await keySet(settings), {
      issuer: settings.issuer,
      audience: settings.audience,
      algorithms: ALLOWED_ALGS,
      requiredClaims: ['sub', 'exp'],
      clockTolerance: 30,
    }));
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof errors.JWTExpired) throw new ApiError('AUTH_INVALID', 'token expired');
    if (error instanceof errors.JWTClaimValidationFailed)
      throw new ApiError('AUTH_INVALID', `token rejected: ${error.message}`);
    if (error instanceof errors.JWKSNoMatchingKey)
      throw new ApiError('AUTH_INVALID', 'token signed with an unknown key');
    throw new ApiError('AUTH_INVALID', 'token signature is not valid');
  }
  return identityFromClaims(payload);
}

/** Claims only an id token carries (OpenID Connect Core §2, §3.1.3.6, §3.3.2.11). */
const ID_TOKEN_CLAIMS = ['nonce', 'at_hash', 'c_hash', 's_hash'];

/**
 * An access token, not an id token (issue 20, L2): an id token names the client as its audience,
 * and at Zitadel the project too, so the audience alone cannot tell them apart. RFC 9068 access
 * tokens say `typ: at+jwt`; tokens typed plain `JWT` (or untyped, as Zitadel's are) pass only
 * without the claims an id token has. Any other `typ` (an id token's, a logout token's) fails.
 */
export function isAccessToken(typ: string | undefined, claims: JWTPayload): boolean {
  const t = typ?.toLowerCase();
  if (t === 'at+jwt' || t === 'application/at+jwt') return true;
  if (t !== undefined && t !== 'jwt') return false;
  return !ID_TOKEN_CLAIMS.some((name) => name in claims);
}

/** Maps issuer claims (Zitadel's names, CONTRACTS.md) to our identity. */
export function identityFromClaims(claims: JWTPayload): TokenIdentity {
  const roles = claims['urn:zitadel:iam:org:project:roles'];
  const org = claims['urn:zitadel:iam:org:id'];
  return {
    sub: String(claims.sub),
    email: typeof claims.email === 'string' ? claims.email : null,
    emailVerified: typeof claims.email === 'string' && claims.email_verified === true,
    name: typeof claims.name === 'string' ? claims.name : null,
    orgId: typeof org === 'string' && org ? org : null,
    roles: roles && typeof roles === 'object' ? Object.keys(roles as Record<string, unknown>).sort() : [],
  };
}
