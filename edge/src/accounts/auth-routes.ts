/**
 * Sign-in with any OpenID Connect issuer: authorization code flow with PKCE (RFC 7636), `state`
 * and `nonce`. The issuer's id_token is verified against its JWKS; the first sign-in creates the
 * user and (without an org claim) a personal org. The browser gets an HttpOnly cookie that refers
 * to a session row; signing out revokes the row and ends the session at the issuer too.
 */
import { highestRole, orgRoles } from '@kombify/proto/roles';
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { jwtVerify } from 'jose';
import type { Config } from '../platform/config.ts';
import { recordActivity } from '../platform/db/activity.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { base64url, randomId, sha256Hex } from '../platform/ids.ts';
import { cookieName, cookieOptions, sessionCookieName } from './cookies.ts';
import { acceptInvitations, memberRole } from './members-store.ts';
import { discover } from './oidc-discovery.ts';
import { identityFromClaims, keySet, type TokenIdentity } from './oidc-jwt.ts';
import { requireSameOrigin } from './session-auth.ts';
import {
  openSignInState,
  pkceChallenge,
  readSession,
  sealSignInState,
  signSession,
} from './session-token.ts';
import { createSession, ensureMembership, revokeSession, upsertUser } from './users-store.ts';

const STATE_COOKIE = 'kfy_signin';
const PROVIDERS = new Set(['oidc', 'zitadel']);

export const auth = new Hono<AppEnv>();

interface OidcClient {
  issuer: string;
  clientId: string;
  clientSecret: string;
  sessionSecret: string;
}

function oidcClient(config: Config): OidcClient {
  if (!config.OIDC_ISSUER || !config.OIDC_CLIENT_ID || !config.OIDC_CLIENT_SECRET || !config.SESSION_SECRET) {
    throw new ApiError(
      'SERVICE_UNAVAILABLE',
      'sign-in is not configured (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, SESSION_SECRET)',
    );
  }
  return {
    issuer: config.OIDC_ISSUER,
    clientId: config.OIDC_CLIENT_ID,
    clientSecret: config.OIDC_CLIENT_SECRET,
    sessionSecret: config.SESSION_SECRET,
  };
}

function redirectUri(c: Context<AppEnv>, provider: string): string {
  return `${new URL(c.req.url).origin}/auth/callback/${provider}`;
}

/** Only same-site paths: an open redirect after sign-in would hand the session to a phishing page. */
function safeReturnTo(value: string | undefined): string {
  return value && /^\/(?!\/)[\w\-./?=&%]*$/.test(value) ? value : '/';
}

function random(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

auth.get('/signin', async (c) => {
  const client = oidcClient(c.get('config'));
  const meta = await discover(client.issuer);
  const flow = {
    state: random(),
    nonce: random(),
    verifier: random(48),
    returnTo: safeReturnTo(c.req.query('return_to')),
  };
  setCookie(
    c,
    cookieName(c, STATE_COOKIE),
    await sealSignInState(client.sessionSecret, flow, 600),
    cookieOptions(c, 600),
  );
  const url = new URL(meta.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: redirectUri(c, 'oidc'),
    scope: 'openid email profile',
    state: flow.state,
    nonce: flow.nonce,
    code_challenge: await pkceChallenge(flow.verifier),
    code_challenge_method: 'S256',
  }).toString();
  return c.redirect(url.toString(), 302);
});

auth.get('/callback/:provider', async (c) => {
  const provider = c.req.param('provider');
  if (!PROVIDERS.has(provider)) throw new ApiError('NOT_FOUND', `unknown sign-in provider ${provider}`);
  const config = c.get('config');
  const client = oidcClient(config);
  const sealed = getCookie(c, cookieName(c, STATE_COOKIE));
  deleteCookie(c, cookieName(c, STATE_COOKIE), { path: '/', secure: cookieOptions(c, 0).secure });
  const flow = sealed ? await openSignInState(client.sessionSecret, sealed) : null;
  if (!flow || flow.state !== c.req.query('state')) {
    throw new ApiError(
      'AUTH_INVALID',
      'this sign-in expired or was started in another browser; please sign in again',
    );
  }
  const issuerError = c.req.query('error');
  if (issuerError) {
    throw new ApiError(
      'AUTH_INVALID',
      `the identity provider refused the sign-in: ${c.req.query('error_description') ?? issuerError}`,
    );
  }
  const code = c.req.query('code');
  if (!code) throw new ApiError('VALIDATION_FAILED', 'the callback carries no authorization code');

  const meta = await discover(client.issuer);
  const tokenResponse = await fetch(meta.token_endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${btoa(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`)}`,
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri(c, provider),
      code_verifier: flow.verifier,
    }),
  });
  const tokens = (await tokenResponse.json().catch(() => ({}))) as {
    id_token?: string;
    error?: string;
    error_description?: string;
  };
  if (!tokenResponse.ok || !tokens.id_token) {
    throw new ApiError(
      'AUTH_INVALID',
      `the identity provider did not complete the sign-in: ${tokens.error_description ?? tokens.error ?? tokenResponse.status}`,
    );
  }
  let claims: Awaited<ReturnType<typeof jwtVerify>>['payload'];
  try {
    ({ payload: claims } = await jwtVerify(
      tokens.id_token,
      await keySet({
        issuer: client.issuer,
        audience: client.clientId,
        jwksCooldownMs: config.OIDC_JWKS_COOLDOWN_SECONDS * 1000,
      }),
      {
        issuer: client.issuer,
        audience: client.clientId,
        algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'],
        clockTolerance: 30,
      },
    ));
  } catch (cause) {
    throw new ApiError('AUTH_INVALID', 'the identity token from the provider is not valid', { cause });
  }
  if (claims.nonce !== flow.nonce)
    throw new ApiError('AUTH_INVALID', 'the identity token does not belong to this sign-in (nonce)');

  await establishSession(c, client.issuer, identityFromClaims(claims), 'sign_in');
  return c.redirect(flow.returnTo, 302);
});

/**
 * Creates or refreshes the user, their membership (a personal org on first sign-in without an
 * org claim) and a session row, and sets the session cookie.
 */
export async function establishSession(
  c: Context<AppEnv>,
  issuer: string,
  identity: TokenIdentity,
  how: 'sign_in' | 'sso_exchange',
): Promise<{ sessionId: string; expiresAt: Date; orgId: string; role: string }> {
  const config = c.get('config');
  const db = c.get('db')();
  const userId = `usr_${(await sha256Hex(`${issuer}|${identity.sub}`)).slice(0, 26)}`;
  await upsertUser(db, {
    id: userId,
    issuer,
    sub: identity.sub,
    email: identity.email,
    emailVerified: identity.emailVerified,
    name: identity.name,
  });
  const personal = !identity.orgId;
  const homeOrg = personal ? `org_u${userId.slice(4)}` : `org_${identity.orgId}`;
  const claimedRole = highestRole(identity.roles, orgRoles);
  const homeRole = await ensureMembership(db, {
    orgId: homeOrg,
    orgName: personal ? `${identity.name ?? identity.email ?? 'My'}'s org` : homeOrg,
    userId,
    role: personal ? 'owner' : (claimedRole ?? 'member'),
  });
  // Someone invited by email lands in the org that invited them (the reason they signed in) —
  // only when the issuer verified that address: an invitation is for whoever owns the mailbox,
  // not for whoever typed the address at the issuer (issue 20, H1).
  const joined =
    identity.email && identity.emailVerified ? await acceptInvitations(db, userId, identity.email) : [];
  const orgId = joined[0] ?? homeOrg;
  const role = joined[0] ? ((await memberRole(db, orgId, userId)) ?? 'member') : homeRole;
  const sessionId = randomId('ses');
  const expiresAt = new Date(Date.now() + config.SESSION_TTL_SECONDS * 1000);
  // The issuer's id_token is not kept: it is a bearer credential for anyone who reads it, and
  // sign-out names this client instead of hinting with it (issue 20, L2).
  await createSession(db, { id: sessionId, userId, orgId, expiresAt });
  await recordActivity(db, {
    orgId,
    actor: `user:${userId}`,
    userId,
    kind: how === 'sign_in' ? 'sign_in' : 'sso_exchange',
    message: how === 'sign_in' ? 'signed in' : 'signed in through SSO token exchange',
  });
  setCookie(
    c,
    sessionCookieName(c),
    await signSession(config.SESSION_SECRET!, sessionId, config.SESSION_COOKIE_SECONDS),
    cookieOptions(c, config.SESSION_TTL_SECONDS),
  );
  return { sessionId, expiresAt, orgId, role };
}

/**
 * Ends the session here and, when the issuer supports it, there (RP-initiated logout, naming this
 * client: OpenID Connect RP-Initiated Logout 1.0 §2 allows `client_id` in place of the hint).
 * Same-origin only: another site must not sign people out (issue 20, L3).
 */
auth.post('/signout', async (c) => {
  const config = c.get('config');
  const client = oidcClient(config);
  requireSameOrigin(c);
  const cookie = getCookie(c, sessionCookieName(c));
  deleteCookie(c, sessionCookieName(c), { path: '/', secure: cookieOptions(c, 0).secure });
  const claims = cookie ? await readSession(client.sessionSecret, cookie) : null;
  if (claims) await revokeSession(c.get('db')(), claims.sid);
  const meta = await discover(client.issuer).catch(() => null);
  if (meta?.end_session_endpoint && claims) {
    const url = new URL(meta.end_session_endpoint);
    url.searchParams.set('client_id', client.clientId);
    if (config.OIDC_POST_LOGOUT_REDIRECT_URI)
      url.searchParams.set('post_logout_redirect_uri', config.OIDC_POST_LOGOUT_REDIRECT_URI);
    return signedOut(c, url.toString());
  }
  return signedOut(c, null);
});

/** A browser (form post) is sent on to the issuer's logout; an API client gets the URL. */
function signedOut(c: Context<AppEnv>, endSessionUrl: string | null) {
  if ((c.req.header('accept') ?? '').includes('text/html')) return c.redirect(endSessionUrl ?? '/', 302);
  return c.json({ data: { signed_out: true, end_session_url: endSessionUrl } });
}
