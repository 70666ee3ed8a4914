/**
 * Orgs and roles through real browser sessions (real issuer): invite by email, join on sign-in,
 * change roles within one's own, keep an owner, leave; profile and preferences; the activity feed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Issuer, startIssuer } from '../../scripts/lib/oidc-issuer.ts';
import { freePort } from '../../scripts/lib/ports.ts';
import { CookieClient, jsonCall, signInAs } from '../harness/cookie-client.ts';
import { type Stack, startStack } from '../harness/stack.ts';

let stack: Stack;
let issuer: Issuer;
const ada = { sub: 'u-ada', email: 'ada@example.com', name: 'Ada', password: 'ada-password-123' };
const bob = { sub: 'u-bob', email: 'bob@example.com', name: 'Bob', password: 'bob-password-123' };
const adaClient = new CookieClient();
const bobClient = new CookieClient();
let adaOrg: string;
let bobId: string;

beforeAll(async () => {
  const edgePort = await freePort();
  const edge = `http://127.0.0.1:${edgePort}`;
  issuer = await startIssuer({
    port: await freePort(),
    clients: [],
    users: [ada, bob],
    webClients: [
      {
        clientId: 'kombify-edge',
        clientSecret: 'members-client-secret-0123456789',
        redirectUris: [`${edge}/auth/callback/oidc`],
      },
    ],
  });
  stack = await startStack({
    port: edgePort,
    vars: {
      OIDC_ISSUER: issuer.url,
      OIDC_CLIENT_ID: 'kombify-edge',
      OIDC_CLIENT_SECRET: 'members-client-secret-0123456789',
      SESSION_SECRET: 'members-session-secret-0123456789abcdef',
    },
  });
});

afterAll(async () => {
  await stack?.stop();
  await issuer?.stop();
});

const ada$ = (path: string, init?: { method?: string; body?: unknown }) =>
  jsonCall(adaClient, stack.edgeUrl, path, init);
const bob$ = (path: string, init?: { method?: string; body?: unknown }) =>
  jsonCall(bobClient, stack.edgeUrl, path, init);

describe('orgs and roles', () => {
  it('an invited person joins the inviting org on sign-in, with the invited role', async () => {
    const me = await (await signInAs(adaClient, stack.edgeUrl, ada.email, ada.password)).res.json();
    adaOrg = (me as any).data.org_id;
    expect((me as any).data.role).toBe('owner');
    const invited = await ada$('/api/org/invitations', {
      body: { email: 'Bob@Example.com', role: 'member' },
    });
    expect(invited.status).toBe(201);
    expect(invited.body.data.email).toBe('bob@example.com');

    const bobMe = (await (
      await signInAs(bobClient, stack.edgeUrl, bob.email, bob.password)
    ).res.json()) as any;
    expect(bobMe.data).toMatchObject({ org_id: adaOrg, role: 'member' });
    bobId = bobMe.data.id;
    const members = await ada$('/api/org/members');
    expect(members.body.data.map((m: any) => [m.email, m.role])).toEqual([
      ['ada@example.com', 'owner'],
      ['bob@example.com', 'member'],
    ]);
  });

  it('members cannot manage members; nobody grants above their own role', async () => {
    expect((await bob$('/api/org/invitations', { body: { email: 'eve@example.com' } })).status).toBe(403);
    expect(
      (await bob$(`/api/org/members/${bobId}`, { method: 'PATCH', body: { role: 'admin' } })).status,
    ).toBe(403);
    const promoted = await ada$(`/api/org/members/${bobId}`, { method: 'PATCH', body: { role: 'admin' } });
    expect(promoted.status).toBe(200);
    const self = await bob$(`/api/org/members/${bobId}`, { method: 'PATCH', body: { role: 'owner' } });
    expect(self.status).toBe(403);
    expect(self.body.error.message).toContain('above your own');
    const feed = await bob$('/api/me/activity');
    expect(feed.body.data.map((a: any) => a.kind)).toContain('role.changed');
  });

  it('an org always keeps an owner', async () => {
    const me = await ada$('/api/me');
    const demote = await ada$(`/api/org/members/${me.body.data.id}`, {
      method: 'PATCH',
      body: { role: 'admin' },
    });
    expect(demote.status).toBe(409);
    const leave = await ada$('/api/org/members/me', { method: 'DELETE' });
    expect(leave.status).toBe(409);
    expect(leave.body.error.message).toContain('last owner');
  });

  it('leaving ends access to the org at once', async () => {
    const left = await bob$('/api/org/members/me', { method: 'DELETE' });
    expect(left.status).toBe(200);
    expect((await bob$('/api/me')).status).toBe(401);
    expect((await ada$('/api/org/members')).body.data).toHaveLength(1);
    const kinds = (await ada$('/api/me/activity')).body.data.map((a: any) => a.kind);
    expect(kinds).toEqual(expect.arrayContaining(['sign_in', 'member.invited', 'member.role_changed']));
  });

  it('keeps a profile and preferences per user', async () => {
    expect((await ada$('/api/me', { method: 'PATCH', body: { name: 'Ada Lovelace' } })).status).toBe(200);
    expect((await ada$('/api/me')).body.data.name).toBe('Ada Lovelace');
    const put = await ada$('/api/me/preferences', {
      method: 'PUT',
      body: { theme: 'dark', density: 'compact' },
    });
    expect(put.status).toBe(200);
    expect((await ada$('/api/me/preferences')).body.data).toEqual({ theme: 'dark', density: 'compact' });
    expect((await ada$('/api/me', { method: 'PATCH', body: { name: '' } })).status).toBe(400);
  });
});
