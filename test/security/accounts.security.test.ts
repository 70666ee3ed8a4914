/**
 * Issue 20, accounts findings, against a real edge and a real OpenID Provider (oidc-provider on
 * loopback) configured to behave the way each finding assumes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSession } from '../../edge/src/accounts/session-token.ts';
import { openDb } from '../../edge/src/platform/db/client.ts';
import { type Issuer, type IssuerUser, startIssuer } from '../../scripts/lib/oidc-issuer.ts';
import { freePort } from '../../scripts/lib/ports.ts';
import { CookieClient, jsonCall, signInAs } from '../harness/cookie-client.ts';
import { type Stack, startStack } from '../harness/stack.ts';

let stack: Stack;
let issuer: Issuer;
const clientId = 'kombify-edge';
const clientSecret = 'edge-client-secret-0123456789abcdef';
const owner: IssuerUser = { sub: 'u-owner', email: 'owner@example.com', name: 'Owner', password: 'pw-owner' };
/** Says it is the victim, but the issuer never checked that address. */
const mallory: IssuerUser = {
  sub: 'u-mallory',
  email: 'victim@example.com',
  name: 'Mallory',
  password: 'pw-mallory',
  emailVerified: false,
};
const victim: IssuerUser = {
  sub: 'u-victim',
  email: 'victim@example.com',
  name: 'Victim',
  password: 'pw-victim',
};
const mia: IssuerUser = { sub: 'u-mia', email: 'mia@example.com', name: 'Mia', password: 'pw-mia' };
const dan: IssuerUser = { sub: 'u-dan', email: 'dan@example.com', name: 'Dan', password: 'pw-dan' };
const sessionSecret = 'security-session-secret-0123456789abcdef-0123';
const eve: IssuerUser = { sub: 'u-eve', email: 'eve@example.com', name: 'Eve', password: 'pw-eve' };

beforeAll(async () => {
  const edgePort = await freePort();
  const edge = `http://127.0.0.1:${edgePort}`;
  issuer = await startIssuer({
    port: await freePort(),
    clients: [],
    users: [owner, mallory, victim, eve, mia, dan],
    webClients: [
      {
        clientId,
        clientSecret,
        redirectUris: [`${edge}/auth/callback/oidc`],
        postLogoutRedirectUris: [`${edge}/`],
      },
    ],
  });
  stack = await startStack({
    port: edgePort,
    vars: {
      OIDC_ISSUER: issuer.url,
      OIDC_CLIENT_ID: clientId,
      OIDC_CLIENT_SECRET: clientSecret,
      OIDC_POST_LOGOUT_REDIRECT_URI: `${edge}/`,
      SESSION_SECRET: sessionSecret,
      OIDC_JWKS_COOLDOWN_SECONDS: '0',
    },
  });
});

afterAll(async () => {
  await stack?.stop();
  await issuer?.stop();
});

async function signedIn(user: IssuerUser): Promise<{ client: CookieClient; me: any }> {
  const client = new CookieClient();
  const { res } = await signInAs(client, stack.edgeUrl, user.email, user.password);
  expect(res.status).toBe(200);
  return { client, me: ((await res.json()) as any).data };
}

describe('H1 invitations need a verified email', () => {
  it('H1 an unverified or changed email at the issuer collects no invitation; a verified one does', async () => {
    const boss = await signedIn(owner);
    const ownerOrg = boss.me.org_id as string;
    const invite = (email: string) =>
      jsonCall(boss.client, stack.edgeUrl, '/api/org/invitations', { body: { email, role: 'admin' } });
    expect((await invite('victim@example.com')).status).toBe(201);

    // Mallory's issuer lets her claim the victim's address without proving it.
    const m = await signedIn(mallory);
    expect(m.me.org_id).not.toBe(ownerOrg);

    // Eve signs in with her own (verified) address, then changes it at the issuer, unverified.
    const e1 = await signedIn(eve);
    expect(e1.me.email).toBe('eve@example.com');
    eve.email = 'victim2@example.com';
    eve.emailVerified = false;
    expect((await invite('victim2@example.com')).status).toBe(201);
    const e2 = await signedIn(eve);
    expect(e2.me.org_id).not.toBe(ownerOrg);
    // The unproven address does not replace the one on record either.
    expect(e2.me.email).toBe('eve@example.com');

    const members = await jsonCall(boss.client, stack.edgeUrl, '/api/org/members');
    expect(members.body.data.map((x: any) => x.name)).toEqual(['Owner']);

    // The invitation is still open for the person who owns the address.
    const v = await signedIn(victim);
    expect(v.me).toMatchObject({ org_id: ownerOrg, role: 'admin' });
  });
});

/**
 * A real id token from the issuer: the authorization code flow run by hand, the code taken from
 * the redirect to the edge's callback and redeemed with the client's secret.
 */
async function issuerIdToken(user: IssuerUser): Promise<string> {
  const client = new CookieClient();
  const verifier = randomBytes(32).toString('base64url');
  const redirect = `${stack.edgeUrl}/auth/callback/oidc`;
  const authorize = new URL(`${issuer.url}/auth`);
  authorize.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    scope: 'openid email profile',
    redirect_uri: redirect,
    state: 'test-state',
    nonce: 'test-nonce',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const { res, url } = await client.follow(authorize.toString());
  const action = /action="([^"]+)"/.exec(await res.text())?.[1];
  if (!action) throw new Error('no login form');
  const { hops } = await client.follow(new URL(action, url).toString(), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: user.email, password: user.password }),
  });
  const back = hops.find((h) => h.startsWith(`${redirect}?`));
  const code = back ? new URL(back).searchParams.get('code') : null;
  if (!code) throw new Error(`the issuer did not redirect with a code: ${hops.join(' → ')}`);
  const tokens = await fetch(`${issuer.url}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirect,
      code_verifier: verifier,
    }),
  });
  const body = (await tokens.json()) as { id_token?: string };
  if (!body.id_token) throw new Error(`no id token: ${JSON.stringify(body)}`);
  return body.id_token;
}

describe('L2 id tokens are not API credentials', () => {
  it('L2 an id token from the issuer is refused as a Bearer token, and sessions keep none', async () => {
    const idToken = await issuerIdToken(owner);
    // Its audience is the edge's client id, which is also the API audience here (the default).
    const res = await stack.api('/api/me', { token: idToken });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('AUTH_INVALID');
    await signedIn(owner);
    const { db, close } = openDb(stack.db.config);
    const rows = await db.execute<{ row: string }>(sql`select row_to_json(s)::text as row from sessions s`);
    await close();
    expect(rows.rows.length).toBeGreaterThan(0);
    for (const { row } of rows.rows) expect(row).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\./);
  });
});

/** A browser behind a TLS proxy: the proxy reaches the edge over http and says so. */
class BehindTls extends CookieClient {
  override fetch(url: string, init: RequestInit = {}) {
    if (!url.startsWith(stack.edgeUrl)) return super.fetch(url, init);
    const headers = new Headers(init.headers);
    headers.set('x-forwarded-proto', 'https');
    return super.fetch(url, { ...init, headers });
  }
}

describe('L3 session cookies', () => {
  it('L3 over TLS the cookies carry the __Host- prefix and Secure, also when the session slides', async () => {
    const start = await new BehindTls().fetch(`${stack.edgeUrl}/auth/signin`);
    const state = start.headers.getSetCookie().find((c) => c.includes('kfy_signin='))!;
    expect(state).toMatch(/^__Host-kfy_signin=/);
    expect(state).toMatch(/;\s*Secure/i);
    expect(state).toMatch(/;\s*Path=\//i);

    const browser = new BehindTls();
    const { res } = await signInAs(browser, stack.edgeUrl, owner.email, owner.password);
    expect(res.status).toBe(200);
    const jar = browser.cookies(stack.edgeUrl);
    expect(jar.get('__Host-kfy_session')).toBeTruthy();
    // A cookie near the end of its life is re-issued (sliding refresh): still Secure, still __Host-.
    const { sid } = JSON.parse(
      Buffer.from(jar.get('__Host-kfy_session')!.split('.')[1]!, 'base64url').toString(),
    );
    const old = await signSession(sessionSecret, sid, 10);
    const refreshed = await fetch(`${stack.edgeUrl}/api/me`, {
      headers: { cookie: `__Host-kfy_session=${old}; kfy_session=${old}`, 'x-forwarded-proto': 'https' },
    });
    expect(refreshed.status).toBe(200);
    const renewed = refreshed.headers.getSetCookie().find((c) => c.includes('kfy_session='));
    expect(renewed).toMatch(/^__Host-kfy_session=/);
    expect(renewed).toMatch(/;\s*Secure/i);
  });

  it('L3 sign-out from another origin is refused and the session lives on', async () => {
    const { client } = await signedIn(owner);
    const out = await client.fetch(`${stack.edgeUrl}/auth/signout`, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
    });
    expect(out.status).toBe(403);
    expect((await client.fetch(`${stack.edgeUrl}/api/me`)).status).toBe(200);
    const ours = await client.fetch(`${stack.edgeUrl}/auth/signout`, {
      method: 'POST',
      headers: { origin: stack.edgeUrl },
    });
    expect(ours.status).toBe(200);
    expect((await client.fetch(`${stack.edgeUrl}/api/me`)).status).toBe(401);
  });
});

describe('M5 access can be taken back', () => {
  it("M5 a removed member loses the session and the keys they made; an owner's service key stays", async () => {
    const boss = await signedIn(owner);
    const ownerOrg = boss.me.org_id as string;
    const call = (client: CookieClient, path: string, init: { method?: string; body?: unknown } = {}) =>
      jsonCall(client, stack.edgeUrl, path, init);
    expect(
      (await call(boss.client, '/api/org/invitations', { body: { email: mia.email, role: 'admin' } })).status,
    ).toBe(201);
    expect(
      (await call(boss.client, '/api/org/invitations', { body: { email: dan.email, role: 'admin' } })).status,
    ).toBe(201);
    const m = await signedIn(mia);
    const d = await signedIn(dan);
    expect(m.me.org_id).toBe(ownerOrg);
    expect(d.me.org_id).toBe(ownerOrg);

    const miaKey = (await call(m.client, '/api/keys', { body: { name: 'mia ci', role: 'member' } })).body.data
      .key;
    const danKey = (await call(d.client, '/api/keys', { body: { name: 'dan ci', role: 'member' } })).body.data
      .key;
    // A key made by Mia's key acts for Mia too.
    const miaAdminKey = (await call(m.client, '/api/keys', { body: { name: 'mia ops', role: 'admin' } })).body
      .data.key;
    const childKey = (
      await stack.api('/api/keys', { token: miaAdminKey, body: { name: 'child', role: 'member' } })
    ).body.data.key;
    // Only an owner makes service keys.
    expect(
      (await call(m.client, '/api/keys', { body: { name: 'svc', role: 'member', service: true } })).status,
    ).toBe(403);
    const service = await call(boss.client, '/api/keys', {
      body: { name: 'org svc', role: 'member', service: true },
    });
    expect(service.status).toBe(201);
    for (const key of [miaKey, danKey, childKey, service.body.data.key])
      expect((await stack.api('/api/me', { token: key })).status).toBe(200);

    // An admin cannot remove an owner; the owner removes Mia.
    const ownerId = (await call(boss.client, '/api/org/members')).body.data.find(
      (x: any) => x.name === 'Owner',
    ).user_id;
    expect((await call(d.client, `/api/org/members/${ownerId}`, { method: 'DELETE' })).status).toBe(403);
    const miaId =
      m.me.id ??
      (await call(boss.client, '/api/org/members')).body.data.find((x: any) => x.name === 'Mia').user_id;
    const removed = await call(boss.client, `/api/org/members/${miaId}`, { method: 'DELETE' });
    expect(removed.status).toBe(200);
    expect((await call(m.client, '/api/me')).status).toBe(401);
    expect((await stack.api('/api/me', { token: miaKey })).status).toBe(401);
    expect((await stack.api('/api/me', { token: childKey })).status).toBe(401);
    expect((await call(boss.client, '/api/org/members')).body.data.map((x: any) => x.name)).not.toContain(
      'Mia',
    );

    // Dan is disabled by a platform admin: his key stops too; the service key outlives its maker's choices.
    const danId = (await call(boss.client, '/api/org/members')).body.data.find(
      (x: any) => x.name === 'Dan',
    ).user_id;
    expect((await stack.api(`/api/v1/users/${danId}/disable`, { method: 'POST', body: {} })).status).toBe(
      200,
    );
    expect((await stack.api('/api/me', { token: danKey })).status).toBe(401);
    expect((await stack.api('/api/me', { token: service.body.data.key })).status).toBe(200);
  });
});
