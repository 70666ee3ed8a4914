/**
 * Accounts and tenancy on a real edge with a real issuer: API keys (shown once, hashed, revocable,
 * expiring, never more powerful than their maker), the activity log, the SSO token exchange,
 * spoofed identity headers, and — for every route the app has — that another org's credentials
 * never read or change this org's data.
 */
import * as api from '@kombify/proto/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Issuer, startIssuer } from '../../scripts/lib/oidc-issuer.ts';
import { freePort } from '../../scripts/lib/ports.ts';
import { createApiKey } from '../../scripts/lib/seed.ts';
import { type Stack, startStack } from '../harness/stack.ts';

let stack: Stack;
let issuer: Issuer;
const bot = {
  clientId: 'sso-bot',
  clientSecret: 'sso-bot-secret-0123456789abcdef',
  orgId: '777',
  roles: ['admin'],
};

beforeAll(async () => {
  issuer = await startIssuer({ port: await freePort(), clients: [bot] });
  stack = await startStack({
    vars: {
      OIDC_ISSUER: issuer.url,
      SESSION_SECRET: 'accounts-session-secret-0123456789abcdef',
      OIDC_JWKS_COOLDOWN_SECONDS: '0',
    },
  });
});

afterAll(async () => {
  await stack?.stop();
  await issuer?.stop();
});

describe('API keys', () => {
  it('are shown once, listed by prefix only, and work until revoked', async () => {
    const created = await stack.api('/api/keys', { body: { name: 'ci runner', role: 'member' } });
    expect(created.status).toBe(201);
    const key = created.body.data.key as string;
    expect(key).toMatch(/^kfy_/);
    expect(created.body.data.prefix).toBe(key.slice(0, 12));

    const list = await stack.api('/api/keys');
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(key);
    expect(list.body.data.find((k: any) => k.id === created.body.data.id)).toMatchObject({
      prefix: key.slice(0, 12),
      revoked_at: null,
    });

    const me = await stack.api('/api/me', { token: null, headers: { 'x-api-key': key } });
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ kind: 'api_key', role: 'member', org_id: stack.orgId });

    // A member key may read its account but not operate workers or make keys.
    expect((await stack.api('/v1/orchestrator/workers', { token: key })).status).toBe(403);
    expect((await stack.api('/api/keys', { token: key, body: { name: 'x' } })).status).toBe(403);

    const revoked = await stack.api(`/api/keys/${created.body.data.id}`, { method: 'DELETE' });
    expect(revoked.status).toBe(200);
    const after = await stack.api('/api/me', { token: key });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('AUTH_INVALID');
    expect((await stack.api(`/api/keys/${created.body.data.id}`, { method: 'DELETE' })).status).toBe(404);
    expect(stack.edge.output()).not.toContain(key);
  });

  it('refuses an expired key and a key with more rights than its maker', async () => {
    const expired = await createApiKey(stack.db.config, {
      orgId: stack.orgId,
      name: 'old',
      role: 'admin',
      expiresAt: new Date(Date.now() - 1000),
    });
    expect((await stack.api('/api/me', { token: expired })).status).toBe(401);
    const admin = await stack.api('/api/keys', { body: { name: 'ops', role: 'admin' } });
    const adminKey = admin.body.data.key as string;
    const escalate = await stack.api('/api/keys', { token: adminKey, body: { name: 'root', role: 'owner' } });
    expect(escalate.status).toBe(400);
    expect(escalate.body.error.details[0].path).toBe('role');
  });
});

describe('SSO exchange and activity', () => {
  it('trades an issuer token for a session, and the activity log shows it', async () => {
    const token = await issuer.clientCredentialsToken(bot);
    const res = await fetch(`${stack.edgeUrl}/api/internal/sso/exchange`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).data).toMatchObject({ org_id: 'org_777', role: 'admin' });
    const cookie = res.headers
      .getSetCookie()
      .find((c) => c.startsWith('kfy_session='))!
      .split(';')[0]!;
    const me = await fetch(`${stack.edgeUrl}/api/me`, { headers: { cookie } });
    expect(((await me.json()) as any).data).toMatchObject({
      kind: 'session',
      org_id: 'org_777',
      role: 'admin',
    });

    const key = await fetch(`${stack.edgeUrl}/api/keys`, {
      method: 'POST',
      headers: { cookie, origin: stack.edgeUrl, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'made in a session' }),
    });
    expect(key.status).toBe(201);
    const activity = (await (
      await fetch(`${stack.edgeUrl}/api/me/activity`, { headers: { cookie } })
    ).json()) as any;
    const kinds = activity.data.map((a: any) => a.kind);
    expect(kinds).toContain('sso_exchange');
    expect(kinds).toContain('api_key.created');
    expect(JSON.stringify(activity)).not.toMatch(/kfy_[A-Za-z0-9_-]{43}/);
  });

  it('refuses a token that is not from the issuer', async () => {
    const forged = `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from('{"iss":"https://evil.example","sub":"x"}').toString('base64url')}.c2ln`;
    const res = await stack.api('/api/internal/sso/exchange', { token: null, body: { token: forged } });
    expect(res.status).toBe(401);
  });
});

describe('identity headers', () => {
  it('sent by a client are ignored', async () => {
    const res = await stack.api('/api/me', {
      headers: { 'x-org-id': 'org_someone_else', 'x-user-id': 'usr_admin', 'x-user-roles': 'platform-admin' },
    });
    expect(res.body.data.org_id).toBe(stack.orgId);
    expect(res.body.data.kind).toBe('api_key');
  });
});

/**
 * The app's own route table (Hono's router), so a new route is covered without touching this
 * test. Imported by path at run time: the edge compiles against Workers types, the tests against
 * Node's, and the route table is all this needs.
 */
async function appRoutes(): Promise<{ method: string; path: string }[]> {
  const appModule = '../../edge/src/app.ts';
  const { app } = (await import(appModule)) as { app: { routes: { method: string; path: string }[] } };
  return app.routes;
}

describe('tenant isolation on every route', () => {
  it("another org's credentials never read or change this org's data", async () => {
    // Org A: a worker, a job and an API key.
    const enrolled = await stack.enrollAgent({ name: 'tenant-a-node' });
    expect(enrolled.code).toBe(0);
    const worker = (await stack.api('/v1/orchestrator/workers')).body.data.find(
      (w: any) => w.name === 'tenant-a-node',
    );
    const job = (
      await stack.api('/v1/orchestrator/jobs', { body: { worker_id: worker.id, type: 'node.facts' } })
    ).body.data;
    const key = (await stack.api('/api/keys', { body: { name: 'tenant-a-key' } })).body.data;
    const secrets = [worker.id, job.id, key.id, 'tenant-a-node', stack.orgId];

    const b = await stack.newTenant('tenant-b');
    const routes = (await appRoutes())
      .filter((r) => r.method !== 'ALL' && !r.path.includes('*'))
      .filter((r) => !r.path.startsWith('/kombify.agent.v1') && !r.path.startsWith('/auth/'));
    expect(routes.length).toBeGreaterThanOrEqual(10);

    const fill = (path: string) =>
      path
        .replace(/\/workers\/:id/, `/workers/${worker.id}`)
        .replace(/\/jobs\/:id/, `/jobs/${job.id}`)
        .replace(/\/keys\/:id/, `/keys/${key.id}`)
        .replace(/:[A-Za-z_]+/g, 'x');
    const checked: string[] = [];
    for (const route of routes) {
      const path = fill(route.path);
      const init: { method: string; token: string; body?: unknown } = {
        method: route.method,
        token: b.token,
      };
      if (!['GET', 'HEAD', 'DELETE'].includes(route.method))
        init.body = { worker_id: worker.id, type: 'node.facts', name: 'x' };
      const res = await stack.api(path, init);
      const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
      // Only what B did not send itself counts as a leak (an error may echo the id B asked for).
      const sent = `${path} ${JSON.stringify(init.body ?? '')}`;
      // The admin center's users, billing and platform audit-log views span every org by design
      // (B's key is a platform admin); that non-admins never reach them is admin.e2e's route
      // enumeration.
      const crossOrg = /^\/api\/(v1\/(billing|users|audit-log)|internal\/users)\b/.test(route.path);
      for (const secret of crossOrg ? [] : secrets.filter((s) => !sent.includes(s))) {
        expect(text, `${route.method} ${path} leaked ${secret}`).not.toContain(secret);
      }
      expect(
        [200, 201, 400, 401, 403, 404, 409, 503],
        `${route.method} ${path} answered ${res.status}`,
      ).toContain(res.status);
      checked.push(`${route.method} ${route.path} → ${res.status}`);
    }

    // Nothing of A's changed.
    expect((await stack.api(`/v1/orchestrator/jobs/${job.id}`)).body.data.status).toBe('queued');
    expect((await stack.api(`/v1/orchestrator/workers/${worker.id}`)).status).toBe(200);
    const keys = (await stack.api('/api/keys')).body.data;
    expect(keys.find((k: any) => k.id === key.id).revoked_at).toBeNull();
    expect(checked.length).toBe(routes.length);
  });
});

describe('the dashboard in one request', () => {
  it('answers what the separate routes answer; nodes are refused to roles that may not see them', async () => {
    const enrolled = await stack.enrollAgent({ name: 'dashboard-node' });
    expect(enrolled.code).toBe(0);
    const res = await stack.api('/api/dashboard');
    expect(res.status).toBe(200);
    const whole = api.dashboard.parse(res.body.data);
    const [me, plan, workers] = await Promise.all(
      ['/api/me', '/api/billing/plan', '/v1/orchestrator/workers?per_page=100'].map(
        async (path) => (await stack.api(path)).body.data,
      ),
    );
    expect(whole.me).toEqual(me);
    expect(whole.plan).toEqual(plan);
    expect('data' in whole.nodes && whole.nodes.data.workers.map((w) => w.id)).toEqual(
      workers.map((w: { id: string }) => w.id),
    );
    expect(workers.some((w: { name: string }) => w.name === 'dashboard-node')).toBe(true);

    const member = (await stack.api('/api/keys', { body: { name: 'dash member', role: 'member' } })).body.data
      .key;
    const limited = await stack.api('/api/dashboard', { token: member });
    expect(limited.status).toBe(200);
    expect(limited.body.data.nodes).toEqual({
      error: { code: 'AUTH_INSUFFICIENT', message: "your role (member) may not see the org's nodes" },
    });
    expect(limited.body.data.plan.plan).toBe(plan.plan);
    expect((await stack.api('/api/dashboard', { token: null })).status).toBe(401);
  });
});
