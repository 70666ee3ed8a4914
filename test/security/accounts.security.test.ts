/**
 * Issue 20, accounts findings, against a real edge and a real OpenID Provider (oidc-provider on
 * loopback) configured to behave the way each finding assumes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
const eve: IssuerUser = { sub: 'u-eve', email: 'eve@example.com', name: 'Eve', password: 'pw-eve' };

beforeAll(async () => {
  const edgePort = await freePort();
  const edge = `http://127.0.0.1:${edgePort}`;
  issuer = await startIssuer({
    port: await freePort(),
    clients: [],
    users: [owner, mallory, victim, eve],
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
      SESSION_SECRET: 'security-session-secret-0123456789abcdef-0123',
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
