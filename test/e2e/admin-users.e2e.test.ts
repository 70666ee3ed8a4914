/**
 * Users in the admin center on a real edge: search, org roles with the org rules, disabling
 * (sessions and Bearer JWTs refused at the gate), impersonation (banner, every request audited in
 * the admin's name, ended or expired), MFA reset through Zitadel's management API (stand-in), and
 * the internal users endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSession } from '../../edge/src/accounts/session-token.ts';
import { openDb } from '../../edge/src/platform/db/client.ts';
import { memberships, orgs, sessions, users } from '../../edge/src/platform/db/schema.ts';
import { randomId, sha256Hex } from '../../edge/src/platform/ids.ts';
import { useNodeWebSocket } from '../../scripts/lib/migrate.ts';
import { type Issuer, startIssuer } from '../../scripts/lib/oidc-issuer.ts';
import { freePort } from '../../scripts/lib/ports.ts';
import { setPlan } from '../../scripts/lib/seed.ts';
import { poll, type Stack, startStack } from '../harness/stack.ts';
import { startZitadelStandin, type ZitadelStandin } from '../harness/zitadel-standin.ts';

const SECRET = 'admin-users-session-secret-0123456789abcdef';
const bobClient = { clientId: 'bob-sub', clientSecret: 'bob-secret-0123456789abcdef' };
let stack: Stack;
let issuer: Issuer;
let zitadel: ZitadelStandin;
const orgA = `org_acme_${Math.random().toString(36).slice(2, 8)}`;
const people: Record<string, { id: string; sub: string; cookie: string }> = {};

async function seedUser(name: string, sub: string, orgId: string, role: string) {
  const id = `usr_${(await sha256Hex(`${issuer.url}|${sub}`)).slice(0, 26)}`;
  const sid = randomId('ses');
  useNodeWebSocket();
  const { db, close } = openDb(stack.db.config);
  try {
    await db.insert(orgs).values({ id: orgId, name: orgId, slug: orgId }).onConflictDoNothing();
    await db.insert(users).values({ id, issuer: issuer.url, sub, email: `${name}@example.test`, name });
    await db.insert(memberships).values({ orgId, userId: id, role });
    await db
      .insert(sessions)
      .values({ id: sid, userId: id, orgId, expiresAt: new Date(Date.now() + 3600_000) });
  } finally {
    await close();
  }
  people[name] = { id, sub, cookie: await signSession(SECRET, sid, 3600) };
}

/** A request with a session cookie, as a browser on the edge's own origin would send it. */
function asCookie(cookie: string, path: string, init: { method?: string; body?: unknown } = {}) {
  return stack.api(path, {
    ...init,
    token: null,
    headers: { cookie: `kfy_session=${cookie}`, origin: stack.edgeUrl },
  });
}

const auditRows = async (action: string) =>
  (await stack.api('/api/v1/audit-log')).body.data.filter((a: any) => a.action === action);

beforeAll(async () => {
  zitadel = await startZitadelStandin();
  issuer = await startIssuer({ port: await freePort(), clients: [bobClient] });
  stack = await startStack({
    vars: {
      OIDC_ISSUER: issuer.url,
      OIDC_JWKS_COOLDOWN_SECONDS: '0',
      SESSION_SECRET: SECRET,
      IMPERSONATION_TTL_SECONDS: '4',
      IDP_ADMIN: 'zitadel',
      ZITADEL_API_URL: zitadel.url,
      ZITADEL_ADMIN_TOKEN: zitadel.token,
    },
  });
  await seedUser('alice', 'alice-sub', orgA, 'owner');
  await seedUser('bob', bobClient.clientId, orgA, 'member');
  await seedUser('carol', 'carol-sub', stack.orgId, 'platform-admin');
  await setPlan(stack.db.config, orgA, 'pro');
});

afterAll(async () => {
  await stack?.stop();
  await issuer?.stop();
  await zitadel?.stop();
});

describe('admin users', () => {
  it('are searched by email or name prefix, paginated, with their orgs and plans', async () => {
    const found = await stack.api('/api/v1/users?q=ALI');
    expect(found.status).toBe(200);
    expect(found.body.data.map((u: any) => u.name)).toEqual(['alice']);
    expect(found.body.data[0].orgs).toEqual([
      { org_id: orgA, org_name: orgA, role: 'owner', plan: 'pro', status: 'active' },
    ]);
    const page = await stack.api('/api/v1/users?per_page=2&page=1');
    expect(page.body.data).toHaveLength(2);
    expect(page.body.pagination.total).toBe(3);
    // LIKE wildcards are plain characters in a search.
    expect((await stack.api('/api/v1/users?q=%25')).body.data).toEqual([]);
    const one = await stack.api(`/api/v1/users/${people.bob!.id}`);
    expect(one.body.data).toMatchObject({ email: 'bob@example.test', disabled: false });
    expect((await stack.api('/api/v1/users/usr_nobody')).status).toBe(404);
  });

  it('get org roles changed within the org rules, each change audited with before and after', async () => {
    const bob = people.bob!.id;
    const up = await stack.api(`/api/v1/users/${bob}/roles`, {
      method: 'PATCH',
      body: { org_id: orgA, role: 'admin' },
    });
    expect(up.status).toBe(200);
    expect(up.body.data.orgs[0].role).toBe('admin');
    const [row] = await auditRows('user.role');
    expect(row.before.orgs[0].role).toBe('member');
    expect(row.after.orgs[0].role).toBe('admin');
    expect(row.actor).toMatch(/^api_key:key_/);

    // The last owner stays owner; another org's membership is not this user's.
    const lastOwner = await stack.api(`/api/v1/users/${people.alice!.id}/roles`, {
      method: 'PATCH',
      body: { org_id: orgA, role: 'member' },
    });
    expect(lastOwner.status).toBe(409);
    expect(
      (
        await stack.api(`/api/v1/users/${bob}/roles`, {
          method: 'PATCH',
          body: { org_id: stack.orgId, role: 'viewer' },
        })
      ).status,
    ).toBe(404);
    const bad = await stack.api(`/api/v1/users/${bob}/roles`, { method: 'PATCH', body: { role: 'god' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: any) => d.path).sort()).toEqual(['org_id', 'role']);

    // A platform admin signed in as a person cannot change (or disable) their own account.
    const carol = people.carol!;
    const own = await asCookie(carol.cookie, `/api/v1/users/${carol.id}/roles`, {
      method: 'PATCH',
      body: { org_id: stack.orgId, role: 'viewer' },
    });
    expect(own.status).toBe(409);
    expect(
      (await asCookie(carol.cookie, `/api/v1/users/${carol.id}/disable`, { method: 'POST' })).status,
    ).toBe(409);
    expect((await auditRows('user.role')).length).toBe(1);
  });

  it('disabled: the session and the Bearer JWT are refused at the gate until enabled again', async () => {
    const bob = people.bob!;
    const jwt = await issuer.clientCredentialsToken(bobClient);
    expect((await stack.api('/api/me', { token: jwt })).status).toBe(200);
    expect((await asCookie(bob.cookie, '/api/me')).status).toBe(200);

    const off = await stack.api(`/api/v1/users/${bob.id}/disable`, { method: 'POST' });
    expect(off.status).toBe(200);
    expect(off.body.data.disabled).toBe(true);
    const refused = await stack.api('/api/me', { token: jwt });
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/disabled/);
    expect((await asCookie(bob.cookie, '/api/me')).status).toBe(401);

    expect((await stack.api(`/api/v1/users/${bob.id}/enable`, { method: 'POST' })).status).toBe(200);
    expect((await stack.api('/api/me', { token: jwt })).status).toBe(200);
    // Sessions ended by the disable stay ended: enabling does not revive a stolen cookie.
    expect((await asCookie(bob.cookie, '/api/me')).status).toBe(401);
    const [disable] = await auditRows('user.disable');
    expect(disable).toMatchObject({ target: `user:${bob.id}` });
    expect(disable.before.disabled).toBe(false);
    expect(disable.after.disabled).toBe(true);
    expect((await auditRows('user.enable')).length).toBe(1);
  });

  it('impersonation: a banner for the session, every request audited as the admin, ended on request', async () => {
    const alice = people.alice!;
    const started = await stack.api(`/api/v1/users/${alice.id}/impersonate`, { body: {} });
    expect(started.status).toBe(201);
    const { cookie, session_id } = {
      cookie: started.body.data.cookie.value,
      session_id: started.body.data.session_id,
    };
    const me = await asCookie(cookie, '/api/me');
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ id: alice.id, org_id: orgA, role: 'owner' });
    expect(me.body.data.impersonated_by).toMatch(/^api_key:key_/);
    expect(Date.parse(me.body.data.impersonation_expires_at)).toBeGreaterThan(Date.now());
    // The user's own rights, not the admin's: admin routes stay closed (and that is audited too).
    expect((await asCookie(cookie, '/api/v1/users')).status).toBe(403);

    const requests = (await auditRows('impersonation.request')).filter(
      (r: any) => r.after.session_id === session_id,
    );
    expect(requests.map((r: any) => `${r.after.method} ${r.after.path} ${r.after.status}`).sort()).toEqual([
      'GET /api/me 200',
      'GET /api/v1/users 403',
    ]);
    expect(
      requests.every((r: any) => r.actor === me.body.data.impersonated_by && r.target === `user:${alice.id}`),
    ).toBe(true);

    const ended = await asCookie(cookie, '/api/v1/users/impersonation/end', { method: 'POST' });
    expect(ended.status).toBe(200);
    expect((await asCookie(cookie, '/api/me')).status).toBe(401);
    expect((await auditRows('user.impersonate')).length).toBe(1);
    expect((await auditRows('user.impersonate.end'))[0]).toMatchObject({
      actor: me.body.data.impersonated_by,
      target: `user:${alice.id}`,
    });
    // Neither another platform admin nor oneself can be impersonated.
    expect((await stack.api(`/api/v1/users/${people.carol!.id}/impersonate`, { body: {} })).status).toBe(403);
  });

  it('a platform admin in a browser gets their own session back when impersonation ends', async () => {
    const carol = people.carol!;
    const post = (path: string, cookie: string, extra = '') =>
      fetch(`${stack.edgeUrl}${path}`, {
        method: 'POST',
        headers: {
          cookie: `kfy_session=${cookie}${extra}`,
          origin: stack.edgeUrl,
          'content-type': 'application/json',
        },
        body: '{}',
      });
    // The last Set-Cookie for the name wins, as in a browser (the gate may refresh the old one first).
    const sessionCookie = (res: Response) =>
      res.headers
        .getSetCookie()
        .filter((c) => c.startsWith('kfy_session='))
        .map((c) => /^kfy_session=([^;]*)/.exec(c)![1])
        .at(-1);
    const started = await post(`/api/v1/users/${people.alice!.id}/impersonate`, carol.cookie);
    expect(started.status).toBe(201);
    const asAlice = sessionCookie(started)!;
    expect((await asCookie(asAlice, '/api/me')).body.data.impersonated_by).toBe(`session:${carol.id}`);
    // The admin's own cookie is kept beside the impersonation one; the browser sends both.
    const kept = started.headers
      .getSetCookie()
      .map((c) => /^kfy_admin_session=([^;]*)/.exec(c)?.[1])
      .find(Boolean);
    expect(kept).toBeTruthy();
    const ended = await post('/api/v1/users/impersonation/end', asAlice, `; kfy_admin_session=${kept}`);
    expect(((await ended.json()) as any).data.admin_session_restored).toBe(true);
    const back = sessionCookie(ended)!;
    const me = await asCookie(back, '/api/me');
    expect(me.body.data).toMatchObject({ id: carol.id, role: 'platform-admin', impersonated_by: null });
  });

  it('impersonation expires after IMPERSONATION_TTL_SECONDS', async () => {
    const started = await stack.api(`/api/v1/users/${people.alice!.id}/impersonate`, {
      body: { org_id: orgA },
    });
    expect(started.status).toBe(201);
    const cookie = started.body.data.cookie.value;
    expect((await asCookie(cookie, '/api/me')).status).toBe(200);
    const expiresAt = Date.parse(started.body.data.expires_at);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(4000);
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 200));
    await poll(
      async () => (await asCookie(cookie, '/api/me')).status === 401,
      5000,
      'impersonation to expire',
    );
  });

  it('MFA reset removes every second factor at Zitadel, audited', async () => {
    const alice = people.alice!;
    zitadel.factors.set(alice.sub, [
      { otp: {} },
      { u2f: { id: 'u2f-1', name: 'yubikey' } },
      { otpEmail: {} },
    ]);
    const reset = await stack.api(`/api/v1/users/${alice.id}/mfa/reset`, { method: 'POST' });
    expect(reset.status).toBe(200);
    expect(reset.body.data).toMatchObject({
      provider: 'zitadel',
      removed: ['otp', 'u2f:u2f-1', 'otp_email'],
    });
    expect(zitadel.factors.get(alice.sub)).toEqual([]);
    expect(zitadel.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /management/v1/users/${alice.sub}/auth_factors/_search`,
      `DELETE /management/v1/users/${alice.sub}/auth_factors/otp`,
      `DELETE /management/v1/users/${alice.sub}/auth_factors/u2f/u2f-1`,
      `DELETE /management/v1/users/${alice.sub}/auth_factors/otp_email`,
    ]);
    const [row] = await auditRows('user.mfa_reset');
    expect(row.after).toMatchObject({ provider: 'zitadel', sub: alice.sub });
    // A user Zitadel does not know: 404, and nothing audited.
    const unknown = await stack.api(`/api/v1/users/${people.bob!.id}/mfa/reset`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect((await auditRows('user.mfa_reset')).length).toBe(1);
  });

  it('GET /api/internal/users/{sub}: profile, orgs, roles, plan and flags', async () => {
    await stack.api('/api/v1/feature-flags', {
      body: { key: 'beta-ui', enabled: false, targeting: { orgs: { [orgA]: true } } },
    });
    const res = await stack.api(`/api/internal/users/${people.alice!.sub}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      sub: 'alice-sub',
      userId: people.alice!.id,
      email: 'alice@example.test',
      disabled: false,
      orgId: orgA,
      roles: ['owner'],
      plan: 'pro',
      flags: { 'beta-ui': true },
    });
    expect(res.body.orgs).toEqual([
      {
        orgId: orgA,
        name: orgA,
        role: 'owner',
        plan: 'pro',
        subscribedPlan: 'pro',
        subscriptionStatus: 'active',
      },
    ]);
    expect((await stack.api('/api/internal/users/nobody')).status).toBe(404);
    expect((await stack.api(`/api/internal/users/alice-sub?org=${stack.orgId}`)).status).toBe(404);
  });
});
