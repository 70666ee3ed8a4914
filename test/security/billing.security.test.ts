/**
 * Issue 20, M8: the plan follows the subscribed price (not the metadata set at checkout, which a
 * downgrade in Stripe's portal leaves as it was), and the free plan's read-only stacks hold for
 * raw jobs too. Webhooks signed with the stripe SDK's own test header helper.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../harness/stack.ts';

const WEBHOOK_SECRET = 'whsec_test_security_0123456789abcdef';
const signer = new Stripe('sk_test_signer');
let stack: Stack;
let seq = 0;

beforeAll(async () => {
  stack = await startStack({
    plan: 'free',
    vars: {
      STRIPE_SECRET_KEY: 'sk_test_edge',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: 'http://127.0.0.1:9',
      STRIPE_PRICE_PRO: 'price_pro_monthly',
      STRIPE_PRICE_ENTERPRISE: 'price_enterprise_monthly',
    },
  });
});

afterAll(async () => {
  await stack?.stop();
});

async function subscriptionUpdated(price: string, metadataPlan: string) {
  const now = Math.floor(Date.now() / 1000);
  const evt = {
    id: `evt_sec_${++seq}`,
    object: 'event',
    api_version: '2025-01-01',
    type: 'customer.subscription.updated',
    created: now + seq,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null },
    data: {
      object: {
        id: 'sub_sec_1',
        object: 'subscription',
        customer: 'cus_sec_1',
        status: 'active',
        metadata: { org_id: stack.orgId, plan: metadataPlan },
        items: {
          object: 'list',
          data: [{ id: 'si_1', price: { id: price }, current_period_end: now + 30 * 86400 }],
        },
      },
    },
  };
  const payload = JSON.stringify(evt);
  const res = await fetch(`${stack.edgeUrl}/api/billing/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'stripe-signature': signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
    },
    body: payload,
  });
  expect(res.status).toBe(200);
  return (await stack.api('/api/billing/plan')).body.data.plan as string;
}

describe('M8 the plan is what is paid for', () => {
  it('M8 a free org cannot send raw jobs that change its nodes', async () => {
    const enrolled = await stack.enrollAgent({ name: 'm8-node' });
    expect(enrolled.code).toBe(0);
    const worker = (await stack.api('/v1/orchestrator/workers')).body.data[0].id;
    const run = await stack.api('/v1/orchestrator/jobs', {
      body: { worker_id: worker, type: 'docker.run', params: { image: 'busybox:1.36', name: 'web' } },
    });
    expect(run.status).toBe(507);
    expect(run.body.error.code).toBe('RESOURCE_LIMIT');
    const remove = await stack.api('/v1/orchestrator/jobs', {
      body: { worker_id: worker, type: 'stack.remove', params: { stack: 'demo' } },
    });
    expect(remove.status).toBe(507);
    // Reads still work.
    const facts = await stack.api('/v1/orchestrator/jobs', {
      body: { worker_id: worker, type: 'node.facts' },
    });
    expect(facts.status).toBe(201);
  });

  it('M8 a subscription counts for the price it pays, whatever its metadata says', async () => {
    // Checkout put plan=enterprise in the metadata; the customer then switched to the pro price.
    expect(await subscriptionUpdated('price_pro_monthly', 'enterprise')).toBe('pro');
    // A price this edge does not sell grants nothing.
    expect(await subscriptionUpdated('price_someone_else', 'enterprise')).toBe('free');
    expect(await subscriptionUpdated('price_enterprise_monthly', 'pro')).toBe('enterprise');
  });
});
