/**
 * Plans, Stripe-hosted checkout and webhooks on a real edge, with the real `stripe` SDK in the
 * Worker talking to a local stand-in that speaks Stripe's wire format, and webhooks signed with
 * the SDK's own test header helper.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../harness/stack.ts';
import { type StripeStandin, startStripeStandin } from '../harness/stripe-standin.ts';

const WEBHOOK_SECRET = 'whsec_test_0123456789abcdefghijklmnop';
const signer = new Stripe('sk_test_signer');
let stack: Stack;
let standin: StripeStandin;
let subscriptionId = 'sub_test_1';
let customerId: string;
let t0: number;

beforeAll(async () => {
  standin = await startStripeStandin();
  stack = await startStack({
    plan: 'free',
    vars: {
      STRIPE_SECRET_KEY: 'sk_test_edge',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: standin.url,
      STRIPE_PRICE_PRO: 'price_pro_monthly',
      STRIPE_PRICE_ENTERPRISE: 'price_enterprise_monthly',
      BILLING_GRACE_DAYS: '0',
    },
  });
  // Events happened in the recent past (the grace period is measured from the event).
  t0 = Math.floor(Date.now() / 1000) - 1000;
});

afterAll(async () => {
  await stack?.stop();
  await standin?.stop();
});

let seq = 0;
function event(type: string, object: Record<string, unknown>, created: number) {
  return {
    id: `evt_test_${++seq}`,
    object: 'event',
    api_version: '2025-01-01',
    type,
    created,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null },
    data: { object },
  };
}

async function post(evt: unknown, opts: { signature?: string; timestamp?: number } = {}) {
  const payload = JSON.stringify(evt);
  const signature =
    opts.signature ??
    signer.webhooks.generateTestHeaderString({
      payload,
      secret: WEBHOOK_SECRET,
      ...(opts.timestamp ? { timestamp: opts.timestamp } : {}),
    });
  const res = await fetch(`${stack.edgeUrl}/api/billing/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    body: payload,
  });
  return { status: res.status, body: (await res.json()) as any };
}

const plan = async () => (await stack.api('/api/billing/plan')).body.data;
const sub = (status: string, extra: Record<string, unknown> = {}) => ({
  id: subscriptionId,
  object: 'subscription',
  customer: customerId,
  status,
  metadata: { org_id: stack.orgId, plan: 'pro' },
  items: {
    object: 'list',
    data: [{ id: 'si_1', price: { id: 'price_pro_monthly' }, current_period_end: t0 + 30 * 86400 }],
  },
  ...extra,
});

describe('plans and billing', () => {
  it('a free org sees its limits and cannot enroll more nodes than they allow', async () => {
    const p = await plan();
    expect(p).toMatchObject({ plan: 'free', status: 'none', limits: { nodes: 2 }, usage: { nodes: 0 } });
    // A new worker through POST /workers: an enrollment and the one-liner that uses it.
    const made = await stack.api('/v1/orchestrator/workers', { body: { name: 'n1' } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const { token, command, enrollment_id } = made.body.data;
    expect(command).toMatch(
      /^curl -fsSL http:\/\/127\.0\.0\.1:\d+\/install\.sh \| sh -s -- --token kfe_\S+ --name n1$/,
    );
    expect(command).toContain(`--token ${token} `);
    expect((await stack.enrollAgent({ name: 'n1', token })).code).toBe(0);
    const used = await stack.api(`/v1/orchestrator/enrollment-tokens/${enrollment_id}`);
    expect(used.body.data.worker_id).toMatch(/^agt_/);
    const badName = await stack.api('/v1/orchestrator/workers', { body: { name: 'n2; rm -rf /' } });
    expect(badName.status).toBe(400);
    expect(badName.body.error.details[0].path).toBe('name');

    expect((await stack.enrollAgent({ name: 'n2' })).code).toBe(0);
    const third = await stack.enrollAgent({ name: 'n3' });
    expect(third.code).toBe(3);
    expect(third.stderr).toContain('node limit reached: the free plan allows 2 nodes');
    // With the plan full, a new worker is refused before any token is made.
    const full = await stack.api('/v1/orchestrator/workers', { body: {} });
    expect(full.status).toBe(507);
    expect(full.body.error).toMatchObject({ code: 'RESOURCE_LIMIT' });
    expect(full.body.error.message).toContain('the free plan allows 2 nodes');
    expect((await plan()).usage.nodes).toBe(2);
  });

  it('checkout creates the Stripe customer once and a subscription Checkout Session for the price', async () => {
    const first = await stack.api('/api/billing/checkout', { body: { plan: 'pro' } });
    expect(first.status).toBe(201);
    expect(first.body.data.url).toMatch(new RegExp(`^${standin.url}/checkout/cs_`));
    const second = await stack.api('/api/billing/checkout', { body: { plan: 'pro' } });
    expect(second.status).toBe(201);
    const customers = standin.requests.filter((r) => r.path === '/v1/customers');
    expect(customers).toHaveLength(1);
    expect(customers[0]!.body).toMatchObject({ metadata: { org_id: stack.orgId } });
    customerId = standin.requests.filter((r) => r.path === '/v1/checkout/sessions')[0]!.body
      .customer as string;
    const session = standin.requests.find((r) => r.path === '/v1/checkout/sessions')!.body;
    expect(session).toMatchObject({
      mode: 'subscription',
      client_reference_id: stack.orgId,
      line_items: [{ price: 'price_pro_monthly', quantity: '1' }],
      subscription_data: { metadata: { org_id: stack.orgId, plan: 'pro' } },
    });
    const bad = await stack.api('/api/billing/checkout', { body: { plan: 'platinum' } });
    expect(bad.status).toBe(400);
  });

  it('a completed checkout lifts the limits at once', async () => {
    const done = await post(
      event(
        'checkout.session.completed',
        {
          id: 'cs_1',
          object: 'checkout.session',
          client_reference_id: stack.orgId,
          customer: customerId,
          subscription: subscriptionId,
          metadata: { org_id: stack.orgId, plan: 'pro' },
        },
        t0 + 10,
      ),
    );
    expect(done.body).toMatchObject({ handled: true, outcome: 'applied' });
    expect(await plan()).toMatchObject({ plan: 'pro', status: 'active', limits: { nodes: 25 } });
    expect((await stack.enrollAgent({ name: 'n3' })).code).toBe(0);
  });

  it('refuses bad signatures and stale timestamps, and changes nothing', async () => {
    const evt = event('customer.subscription.deleted', sub('canceled'), t0 + 11);
    expect((await post(evt, { signature: 't=1,v1=deadbeef' })).status).toBe(400);
    const old = await post(evt, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(old.status).toBe(400);
    expect(old.body.error.message).toContain('signature rejected');
    expect((await plan()).plan).toBe('pro');
  });

  it('applies a replayed event once', async () => {
    const evt = event('customer.subscription.updated', sub('active'), t0 + 20);
    expect((await post(evt)).body.outcome).toBe('applied');
    expect((await post(evt)).body.outcome).toBe('duplicate');
  });

  it('never moves back to an older state when events arrive out of order', async () => {
    // `created` (older) arriving after `updated`: ignored.
    expect(
      (await post(event('customer.subscription.created', sub('incomplete'), t0 + 15))).body.outcome,
    ).toBe('stale');
    expect((await plan()).status).toBe('active');
    // `deleted`, then a late `updated`: stays deleted. Only the period end, which the deletion does
    // not carry, is taken from the late event — as if the two had arrived in order.
    expect((await post(event('customer.subscription.deleted', sub('canceled'), t0 + 40))).body.outcome).toBe(
      'applied',
    );
    expect((await post(event('customer.subscription.updated', sub('active'), t0 + 30))).body.outcome).toBe(
      'applied',
    );
    expect(await plan()).toMatchObject({ plan: 'free', status: 'canceled' });
    expect((await post(event('customer.subscription.updated', sub('active'), t0 + 29))).body.outcome).toBe(
      'stale',
    );
  });

  it('a failed payment falls back to free limits (after the grace period) without deleting anything', async () => {
    subscriptionId = 'sub_test_2';
    await post(event('customer.subscription.created', sub('active'), t0 + 50));
    expect((await plan()).plan).toBe('pro');
    await post(
      event('invoice.payment_failed', { id: 'in_1', object: 'invoice', customer: customerId }, t0 + 60),
    );
    const after = await plan();
    expect(after).toMatchObject({ plan: 'free', status: 'past_due', usage: { nodes: 3 } });
    const blocked = await stack.enrollAgent({ name: 'n4' });
    expect(blocked.code).toBe(3);
    await post(event('invoice.paid', { id: 'in_2', object: 'invoice', customer: customerId }, t0 + 70));
    expect((await plan()).plan).toBe('pro');
  });

  it('opens the billing portal and acknowledges events it does not handle', async () => {
    const portal = await stack.api('/api/billing/portal', { method: 'POST' });
    expect(portal.status).toBe(201);
    expect(portal.body.data.url).toBe(`${standin.url}/portal/${customerId}`);
    const other = await post(event('charge.refunded', { id: 'ch_1', object: 'charge' }, t0 + 80));
    expect(other).toMatchObject({ status: 200, body: { received: true, handled: false } });
  });
});
