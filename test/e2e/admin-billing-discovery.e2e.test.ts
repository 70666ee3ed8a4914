/**
 * The admin center's billing overview (numbers from seeded subscriptions and Stripe events) and
 * discovery (npm registry search → unreviewed catalog entries, once) on a real edge. The registry
 * is a local stand-in serving the search API's answer shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../edge/src/platform/db/client.ts';
import { orgs, stripeEvents, subscriptions } from '../../edge/src/platform/db/schema.ts';
import { useNodeWebSocket } from '../../scripts/lib/migrate.ts';
import {
  GITHUB_TOKEN,
  type NpmRegistryStandin,
  startNpmRegistryStandin,
} from '../harness/npm-registry-standin.ts';
import { type Stack, startStack } from '../harness/stack.ts';

let stack: Stack;
let registry: NpmRegistryStandin;
const day = 86_400_000;

beforeAll(async () => {
  registry = await startNpmRegistryStandin();
  stack = await startStack({
    plan: 'free',
    vars: {
      DISCOVERY_NPM_REGISTRY: registry.url,
      DISCOVERY_GITHUB_API: registry.url,
      DISCOVERY_GITHUB_TOKEN: GITHUB_TOKEN,
    },
  });
});

afterAll(async () => {
  await stack?.stop();
  await registry?.stop();
});

describe('billing overview', () => {
  it('counts subscriptions, MRR from list prices, failed payments and grace periods from our tables', async () => {
    const now = Date.now();
    const seeded: [string, string, string, Date | null][] = [
      ['p1', 'pro', 'active', null],
      ['p2', 'pro', 'active', null],
      ['e1', 'enterprise', 'active', null],
      ['g1', 'pro', 'past_due', new Date(now + 3 * day)],
      ['g2', 'enterprise', 'past_due', new Date(now - day)],
      ['c1', 'pro', 'canceled', null],
      ['t1', 'pro', 'trialing', null],
    ];
    useNodeWebSocket();
    const { db, close } = openDb(stack.db.config);
    try {
      for (const [id, plan, status, graceUntil] of seeded) {
        await db.insert(orgs).values({ id: `org_${id}`, name: `Org ${id}`, slug: `org_${id}` });
        await db.insert(subscriptions).values({ orgId: `org_${id}`, plan, status, graceUntil });
      }
      await db.insert(stripeEvents).values([
        { id: 'evt_f1', type: 'invoice.payment_failed', orgId: 'org_g1', receivedAt: new Date(now - 1000) },
        {
          id: 'evt_f2',
          type: 'invoice.payment_failed',
          orgId: 'org_g2',
          receivedAt: new Date(now - 2 * day),
        },
        {
          id: 'evt_f_old',
          type: 'invoice.payment_failed',
          orgId: 'org_p1',
          receivedAt: new Date(now - 40 * day),
        },
        { id: 'evt_paid', type: 'invoice.paid', orgId: 'org_p1', receivedAt: new Date(now) },
      ]);
    } finally {
      await close();
    }

    const res = await stack.api('/api/v1/billing/overview');
    expect(res.status).toBe(200);
    expect(res.body.data.subscriptions).toEqual({
      total: 7,
      by_plan: { free: 0, pro: 5, enterprise: 2 },
      by_status: { active: 3, past_due: 2, canceled: 1, trialing: 1 },
    });
    expect(res.body.data.mrr).toEqual({
      currency: 'usd',
      amount_cents: 2 * 2900 + 49900,
      by_plan_cents: { free: 0, pro: 5800, enterprise: 49900 },
      at_risk_cents: 2900,
    });
    expect(res.body.data.failed_payments).toEqual({ window_days: 30, count: 2 });
    expect(res.body.data.grace.in_grace.map((g: any) => g.org_id)).toEqual(['org_g1']);
    expect(res.body.data.grace.past_grace.map((g: any) => g.org_id)).toEqual(['org_g2']);

    const pastDue = await stack.api('/api/v1/billing/subscriptions?status=past_due');
    expect(pastDue.body.data.map((s: any) => [s.org_id, s.effective_plan]).sort()).toEqual([
      ['org_g1', 'pro'],
      ['org_g2', 'free'],
    ]);
    expect(pastDue.body.pagination.total).toBe(2);
    const failed = await stack.api('/api/v1/billing/failed-payments');
    expect(failed.body.data.map((f: any) => f.event_id)).toEqual(['evt_f1', 'evt_f2']);
    const bad = await stack.api('/api/v1/billing/subscriptions?status=bogus');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('status');
  });
});

describe('discovery', () => {
  const npmTools = async () =>
    (await stack.api('/api/v1/tools?per_page=100')).body.data.filter((t: any) => t.id.startsWith('npm-'));

  it('files packages found by keyword as unreviewed tools, once, however often it runs', async () => {
    const first = await stack.api('/api/v1/discovery/runs', { body: {} });
    expect(first.status).toBe(201);
    expect(first.body.data).toMatchObject({
      status: 'succeeded',
      keywords: ['homelab', 'self-hosted', 'docker'],
      found: 7,
      filed: 7,
    });
    expect(registry.searches.slice(-3)).toEqual([
      'keywords:homelab',
      'keywords:self-hosted',
      'keywords:docker',
    ]);
    const tools = await npmTools();
    expect(tools).toHaveLength(7);
    expect(tools.every((t: any) => t.status === 'unreviewed')).toBe(true);
    const dashboard = (await stack.api('/api/v1/tools/npm-homelab-dashboard-test')).body.data;
    expect(dashboard).toMatchObject({
      name: 'homelab-dashboard-test',
      url: 'https://example.test/homelab-dashboard',
      tags: ['homelab', 'dashboard', 'self-hosted'],
    });
    // Two packages that map to one id both get in; a script URL is never taken as the link.
    const ids = tools.map((t: any) => t.id);
    expect(ids).toContain('npm-net-watch');
    expect(ids.filter((id: string) => id.startsWith('npm-net-watch-'))).toHaveLength(1);
    expect((await stack.api('/api/v1/tools/npm-selfhost-mail-test')).body.data.url).toBe(
      'https://www.npmjs.com/package/selfhost-mail-test',
    );
    // Not in the launcher until reviewed.
    expect((await stack.api('/api/tools?q=homelab')).body.data).toEqual([]);

    const approved = await stack.api('/api/v1/tools/npm-homelab-dashboard-test', {
      method: 'PATCH',
      body: { status: 'reviewed' },
    });
    expect(approved.status).toBe(200);

    const again = await stack.api('/api/v1/discovery/runs', { body: {} });
    expect(again.body.data).toMatchObject({ status: 'succeeded', found: 7, filed: 0 });
    expect(again.body.data.results.every((r: any) => r.outcome === 'existing')).toBe(true);
    expect(await npmTools()).toHaveLength(7);
    expect((await stack.api('/api/v1/tools/npm-homelab-dashboard-test')).body.data.status).toBe('reviewed');
    expect((await stack.api('/api/tools?q=homelab')).body.data.map((t: any) => t.id)).toEqual([
      'npm-homelab-dashboard-test',
    ]);
  });

  it('records a failed run and says why; bad keywords are refused with their path', async () => {
    const failed = await stack.api('/api/v1/discovery/runs', { body: { keywords: ['homelab', 'broken'] } });
    expect(failed.status).toBe(503);
    expect(failed.body.error.message).toMatch(/500 for keywords:broken/);
    const runs = await stack.api('/api/v1/discovery/runs');
    expect(runs.body.data.map((r: any) => r.status)).toEqual(['failed', 'succeeded', 'succeeded']);
    const one = await stack.api(`/api/v1/discovery/runs/${runs.body.data[0].id}`);
    expect(one.body.data).toMatchObject({ found: 3, filed: 0, error: expect.stringMatching(/broken/) });
    expect((await stack.api('/api/v1/discovery/runs/dsc_nope')).status).toBe(404);

    const bad = await stack.api('/api/v1/discovery/runs', { body: { keywords: ['Bad Word'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('keywords[0]');

    const audit = (await stack.api('/api/v1/audit-log')).body.data.filter(
      (a: any) => a.action === 'discovery.run',
    );
    expect(audit.map((a: any) => a.after.status)).toEqual(['failed', 'succeeded', 'succeeded']);
    expect(audit[2].after.filed).toHaveLength(7);
  });

  it('with a token, also files GitHub repositories by topic, once', async () => {
    const run = await stack.api('/api/v1/discovery/runs', {
      body: { source: 'github', keywords: ['homelab'] },
    });
    expect(run.status).toBe(201);
    expect(run.body.data).toMatchObject({ source: 'github', found: 2, filed: 2 });
    const portal = (await stack.api('/api/v1/tools/gh-example-org-lab-portal')).body.data;
    expect(portal).toMatchObject({
      name: 'lab-portal',
      status: 'unreviewed',
      url: 'https://lab-portal.example.test/',
      tags: ['homelab', 'self-hosted'],
    });
    expect((await stack.api('/api/v1/tools/gh-someone-rack-stats')).body.data.url).toBe(
      'https://github.com/someone/Rack.Stats',
    );
    const again = await stack.api('/api/v1/discovery/runs', {
      body: { source: 'github', keywords: ['homelab'] },
    });
    expect(again.body.data).toMatchObject({ found: 2, filed: 0 });
  });
});
