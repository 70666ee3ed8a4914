/**
 * Browserless sign-in through a real OpenID Provider (oidc-provider on loopback): the whole
 * authorization code + PKCE dance, the session cookie, /api/me, sign-out, and the refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Issuer, startIssuer } from '../../scripts/lib/oidc-issuer.ts';
import { freePort } from '../../scripts/lib/ports.ts';
import { CookieClient, signInAs } from '../harness/cookie-client.ts';
import { type Stack, startStack } from '../harness/stack.ts';

let stack: Stack;
let issuer: Issuer;
const ada = {
  sub: 'u-ada',
  email: 'ada@example.com',
  name: 'Ada Lovelace',
  password: 'correct horse battery',
};

beforeAll(async () => {
  const edgePort = await freePort();
  const edge = `http://127.0.0.1:${edgePort}`;
  issuer = await startIssuer({
    port: await freePort(),
    clients: [],
    users: [ada],
    webClients: [
      {
        clientId: 'kombify-edge',
        clientSecret: 'edge-client-secret-0123456789abcdef',
        redirectUris: [`${edge}/auth/callback/oidc`],
        postLogoutRedirectUris: [`${edge}/`],
      },
    ],
  });
  stack = await startStack({
    port: edgePort,
    vars: {
      OIDC_ISSUER: issuer.url,
      OIDC_CLIENT_ID: 'kombify-edge',
      OIDC_CLIENT_SECRET: 'edge-client-secret-0123456789abcdef',
      OIDC_POST_LOGOUT_REDIRECT_URI: `${edge}/`,
      SESSION_SECRET: 'test-session-secret-0123456789abcdef-0123456789',
    },
  });
});

afterAll(async () => {
  await stack?.stop();
  await issuer?.stop();
});

function signIn(client: CookieClient, password = ada.password) {
  return signInAs(client, stack.edgeUrl, ada.email, password);
}

describe('sign-in with the OpenID issuer', () => {
  it('walks the authorization code flow with PKCE and lands signed in on /api/me', async () => {
    const client = new CookieClient();
    const first = await client.fetch(`${stack.edgeUrl}/auth/signin`);
    expect(first.status).toBe(302);
    const authorize = new URL(first.headers.get('location')!);
    expect(authorize.origin).toBe(issuer.url);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();

    const { res, hops } = await signIn(client);
    expect(hops.some((h) => h.startsWith(`${stack.edgeUrl}/auth/callback/oidc?`))).toBe(true);
    expect(res.status).toBe(200);
    const me = (await res.json()) as any;
    expect(me.data).toMatchObject({ kind: 'session', email: ada.email, name: ada.name, role: 'owner' });
    expect(me.data.org_id).toMatch(/^org_u/);
    const session = client.cookies(stack.edgeUrl).get('kfy_session');
    expect(session).toBeTruthy();
  });

  it('sets its cookies HttpOnly and SameSite=Lax', async () => {
    const res = await fetch(`${stack.edgeUrl}/auth/signin`, { redirect: 'manual' });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('kfy_signin='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Max-Age=600/i);
  });

  it('refuses a wrong password at the issuer', async () => {
    const client = new CookieClient();
    const { res } = await signIn(client, 'wrong');
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('Wrong email or password');
    expect(client.cookies(stack.edgeUrl).get('kfy_session')).toBeUndefined();
  });

  it('refuses a callback whose state does not match this browser', async () => {
    const client = new CookieClient();
    await client.fetch(`${stack.edgeUrl}/auth/signin`);
    const res = await client.fetch(`${stack.edgeUrl}/auth/callback/oidc?code=abc&state=forged`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.message).toContain('sign in again');
  });

  it('refuses cookie-authenticated writes from another origin (CSRF)', async () => {
    const client = new CookieClient();
    await signIn(client);
    const res = await client.fetch(`${stack.edgeUrl}/v1/orchestrator/enrollment-tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: '{}',
    });
    expect(res.status).toBe(403);
    const same = await client.fetch(`${stack.edgeUrl}/v1/orchestrator/enrollment-tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: stack.edgeUrl },
      body: '{}',
    });
    expect(same.status).toBe(201);
  });

  it('signs out: the session ends here at once and the issuer logout is offered', async () => {
    const client = new CookieClient();
    await signIn(client);
    const cookie = client.cookies(stack.edgeUrl).get('kfy_session')!;
    const out = await client.fetch(`${stack.edgeUrl}/auth/signout`, {
      method: 'POST',
      headers: { origin: stack.edgeUrl },
    });
    expect(out.status).toBe(200);
    const body = (await out.json()) as any;
    expect(body.data.signed_out).toBe(true);
    expect(body.data.end_session_url).toContain(`${issuer.url}/session/end`);
    // The old cookie, replayed, no longer works.
    const replay = await fetch(`${stack.edgeUrl}/api/me`, { headers: { cookie: `kfy_session=${cookie}` } });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as any).error.message).toContain('session ended');
  });

  it('refuses a forged session cookie', async () => {
    const res = await fetch(`${stack.edgeUrl}/api/me`, {
      headers: { cookie: 'kfy_session=eyJhbGciOiJIUzI1NiJ9.e30.x' },
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.code).toBe('AUTH_INVALID');
  });
});
