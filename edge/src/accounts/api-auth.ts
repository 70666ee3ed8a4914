import { highestRole, orgRoles, rolesFrom } from '@kombify/proto/roles';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { isUserDisabled } from '../admin/index.ts';
import { effectivePlan, getSubscription, scaledRateLimit } from '../billing/index.ts';
import { auditImpersonatedRequest } from '../platform/audit-context.ts';
import { bearerToken } from '../platform/bearer-token.ts';
import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/db/client.ts';
import type { AppEnv, Principal } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { sha256Hex } from '../platform/ids.ts';
import { setIdentityHeaders } from '../platform/middleware/identity-headers.ts';
import { gateRoles } from '../platform/openapi/route-doc.ts';
import { clientAddress, rememberAccepted, spendUnverified } from '../platform/unverified-budget.ts';
import { admitApiKey, apiKeyHash } from './api-key-admission.ts';
import { memberRole } from './members-store.ts';
import { looksLikeJwt, verifyAccessToken } from './oidc-jwt.ts';
import { consumerLimiter, consumerOf, enforce } from './rate-limit/rate-limit.ts';
import type { RateDecision } from './rate-limit/rate-limiter-object.ts';
import { sessionPrincipal } from './session-auth.ts';
import { ensureMembership, upsertUser } from './users-store.ts';

const API_KEY = /^kfy_[A-Za-z0-9_-]{43}$/;

/**
 * The gateway for one route group: authenticates the caller and counts the request against the
 * consumer's limit, then sets the principal (typed context and identity headers) and the
 * RateLimit headers. Callers: an API key (`Authorization: Bearer kfy_…` or `X-API-Key`), an access
 * token from the OpenID issuer (`Authorization: Bearer <JWT>`, when OIDC_ISSUER is set), or a
 * browser session cookie. Shapes are checked before the database or the issuer's keys are asked,
 * so junk costs nothing. An API key's check and its count are one call to its consumer object,
 * and most requests need not even that: the isolate keeps the object's answer for a second and a
 * lease of counted tokens (api-key-admission.ts).
 */
export function gate(
  roles: readonly string[],
  group: string,
  /** Where the credential is read from; routes for other clients (OpenTofu's Basic auth) pass their own. */
  credential: (c: Context<AppEnv>) => string | null = presentedCredential,
) {
  const middleware = createMiddleware<AppEnv>(async (c, next) => {
    // `/x` and `/x/*` both match a request for `/x` in Hono: a second gate on the same request
    // checks only its roles, so the caller is authenticated, counted and audited once.
    const earlier = c.get('principal');
    if (earlier) {
      if (!roles.includes(earlier.role))
        throw new ApiError('AUTH_INSUFFICIENT', `your role (${earlier.role}) may not use this route`);
      return next();
    }
    const config = c.get('config');
    const limit = config.RATE_LIMIT_PER_MINUTE;
    const presented = credential(c);
    let principal: Principal;
    let decision: RateDecision | null = null;
    if (!presented) {
      const session = await sessionPrincipal(c);
      if (!session) {
        throw new ApiError(
          'AUTH_REQUIRED',
          'authentication required: sign in, or send Authorization: Bearer <api key>',
        );
      }
      principal = session;
    } else if (config.OIDC_ISSUER && looksLikeJwt(presented)) {
      principal = await userPrincipal(c.get('db')(), presented, config);
    } else {
      if (!API_KEY.test(presented)) throw new ApiError('AUTH_INVALID', 'credential is not a valid API key');
      const hash = await apiKeyHash(presented);
      // Each key has its own object: a key not seen accepted spends the caller's budget first,
      // so guessed keys cannot create objects without bound (issue 20, M7).
      const budget = spendUnverified(
        clientAddress(c.req.raw.headers),
        `api_key:${hash}`,
        config.UNVERIFIED_PER_IP_PER_MINUTE,
      );
      if (!budget.allowed) throw unverifiedRefusal(budget.retryAfterSeconds);
      const answer = await admitApiKey(c.env, presented, hash, group, limit);
      if (!answer.key) throw new ApiError('AUTH_INVALID', 'API key is unknown, revoked or expired');
      rememberAccepted(`api_key:${hash}`);
      principal = { kind: 'api_key', id: answer.key.id, orgId: answer.key.orgId, role: answer.key.role };
      decision = answer.decision;
    }
    const admitted = principal;
    const admit = async () => {
      if (!roles.includes(admitted.role)) {
        throw new ApiError('AUTH_INSUFFICIENT', `your role (${admitted.role}) may not use this route`);
      }
      if (admitted.impersonation) refuseImpersonatedWrite(c);
      c.set('principal', admitted);
      setIdentityHeaders(c, admitted);
      if (!decision) {
        const plan = effectivePlan(await getSubscription(c.get('db')(), admitted.orgId));
        decision = await consumerLimiter(c.env, consumerOf(c, admitted)).hit(
          group,
          scaledRateLimit(limit, plan),
        );
      }
      const headers = enforce(decision);
      await next();
      for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
    };
    if (!admitted.impersonation) return admit();
    // Everything tried while impersonating is on the record, refused requests included, in the
    // real admin's name.
    let status = 500;
    try {
      await admit();
      status = c.res.status;
    } catch (error) {
      if (error instanceof ApiError) status = error.status;
      throw error;
    } finally {
      await auditImpersonatedRequest(c, admitted, status);
    }
  });
  // The OpenAPI document reads each route's roles from its gates (platform/openapi).
  gateRoles.set(middleware, roles);
  return middleware;
}

/** The writes an impersonation session may make: ending itself, and the user's UI preferences. */
const IMPERSONATION_WRITES = new Set(['POST /api/v1/users/impersonation/end', 'PUT /api/me/preferences']);

/**
 * An impersonation session is read-mostly (issue 20, M6): a platform admin acting as someone sees
 * what they see, but makes no credentials (API keys, enrollment tokens, state credentials), no
 * invitations, no role or member changes and no jobs in their name. The refusal is audited like
 * every impersonated request.
 */
function refuseImpersonatedWrite(c: Context<AppEnv>): void {
  if (['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) return;
  if (IMPERSONATION_WRITES.has(`${c.req.method} ${new URL(c.req.url).pathname}`)) return;
  throw new ApiError(
    'AUTH_INSUFFICIENT',
    'an impersonation session is read-only: end it and act as yourself to change anything',
  );
}

function unverifiedRefusal(retryAfterSeconds: number): ApiError {
  return new ApiError(
    'RATE_LIMITED',
    `too many unrecognised credentials from your address; retry in ${retryAfterSeconds} s`,
    { headers: { 'Retry-After': String(retryAfterSeconds) } },
  );
}

function presentedCredential(c: Context<AppEnv>): string | null {
  return bearerToken(c.req.header('authorization')) ?? c.req.header('x-api-key') ?? null;
}

/**
 * A Bearer JWT's caller. The token says who they are (issuer + subject) and, on first sight, where
 * they belong: the issuer's org claim (else a personal org) and an org role from the role claim.
 * From then on the database decides, as for browser sessions (issue 20, M1, in part): the role is
 * the membership's, a role changed or a member removed in kombify holds whatever the token says,
 * and `platform-admin` never comes from a claim. The user has a row, so disabling them works.
 */
async function userPrincipal(db: Db, token: string, config: Config): Promise<Principal> {
  const identity = await verifyAccessToken(token, {
    issuer: config.OIDC_ISSUER!,
    audience: config.OIDC_AUDIENCE,
    jwksCooldownMs: config.OIDC_JWKS_COOLDOWN_SECONDS * 1000,
  });
  const hash = (await sha256Hex(`${config.OIDC_ISSUER}|${identity.sub}`)).slice(0, 26);
  // Same user id as a browser session of this person gets (see auth-routes.ts).
  const userId = `usr_${hash}`;
  // The issuer's org when it names one, else a personal org for the user (made on first sight).
  const claimedOrg = identity.orgId && /^[A-Za-z0-9_-]{1,64}$/.test(identity.orgId) ? identity.orgId : null;
  const orgId = claimedOrg ? `org_${claimedOrg}` : `org_u${hash}`;
  let role = await memberRole(db, orgId, userId);
  if (!role) {
    await upsertUser(db, {
      id: userId,
      issuer: config.OIDC_ISSUER!,
      sub: identity.sub,
      email: identity.email,
      emailVerified: identity.emailVerified,
      name: identity.name,
    });
    role = await ensureMembership(db, {
      orgId,
      orgName: identity.name ?? identity.email ?? identity.sub,
      userId,
      // A user with several roles starts with the highest org role; platform-admin is not one.
      role: highestRole(identity.roles, orgRoles) ?? (claimedOrg ? 'member' : 'owner'),
    });
  }
  // A disabled user's tokens stay cryptographically valid until they expire: refuse them here.
  if (await isUserDisabled(db, userId)) throw new ApiError('AUTH_INVALID', 'this account is disabled');
  return { kind: 'user', id: userId, orgId, role, email: identity.email, name: identity.name };
}

/** Every role: routes any signed-in caller may use. */
export const anyRole = rolesFrom('viewer');

/** The platform's own operators (admin center). */
export const platformAdmin = rolesFrom('platform-admin');

/** Roles allowed to create and revoke API keys. */
export const keyManagerRoles = rolesFrom('admin');

/** Roles allowed to operate workers and jobs. */
export const operatorRoles = rolesFrom('admin');

/** The gate with the generic `api` rate-limit group, for routes that need no group of their own. */
export function apiAuth(roles: readonly string[]) {
  return gate(roles, 'api');
}
