/**
 * Billing: the org's plan and usage, Stripe-hosted Checkout and billing portal, and the Stripe
 * webhook. Stripe is canonical; we mirror what the webhooks tell us, once and in order.
 */
import { atLeast } from '@kombify/proto/roles';
import { Hono } from 'hono';
import { z } from 'zod';
import { anyRole, gate } from '../accounts/index.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { MAX_JSON_BYTES, readCappedText, readJson } from '../platform/validate.ts';
import { planView } from './plan-view.ts';
import { plans } from './plans.ts';
import { applyStripeEvent, getSubscription, orgByCustomer, saveCustomer } from './store.ts';
import { cryptoProvider, stripeClient } from './stripe-client.ts';
import { changeForEvent, handledEvents } from './webhook-events.ts';

export const billing = new Hono<AppEnv>();
/** The pricing list is public; the org's own plan, checkout and portal need a signed-in member. */
const signedIn = gate(anyRole, 'account');

/** The plans and their limits, public (the pricing page). Prices live in Stripe. */
billing.get('/plans', (c) => {
  c.header('Cache-Control', 'public, max-age=300');
  return c.json({ data: Object.entries(plans).map(([name, limits]) => ({ name, limits })) });
});

billing.get('/plan', signedIn, async (c) =>
  c.json({ data: await planView(c.get('db')(), c.get('principal').orgId) }),
);

export const checkoutBody = z.object({ plan: z.enum(['pro', 'enterprise']) }).strict();

billing.post('/checkout', signedIn, async (c) => {
  const body = await readJson(c, checkoutBody);
  const principal = c.get('principal');
  if (!atLeast(principal.role, 'admin'))
    throw new ApiError('AUTH_INSUFFICIENT', 'only owners and admins manage billing');
  const config = c.get('config');
  const price = body.plan === 'pro' ? config.STRIPE_PRICE_PRO : config.STRIPE_PRICE_ENTERPRISE;
  if (!price)
    throw new ApiError('SERVICE_UNAVAILABLE', `no Stripe price is configured for the ${body.plan} plan`);
  const stripe = stripeClient(config);
  const db = c.get('db')();
  let customer = (await getSubscription(db, principal.orgId))?.stripeCustomerId ?? null;
  if (!customer) {
    const made = await stripe.customers.create(
      { metadata: { org_id: principal.orgId }, ...(principal.email ? { email: principal.email } : {}) },
      { idempotencyKey: `customer-${principal.orgId}` },
    );
    customer = await saveCustomer(db, principal.orgId, made.id);
  }
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer,
    client_reference_id: principal.orgId,
    line_items: [{ price, quantity: 1 }],
    success_url: `${config.PUBLIC_WEB_URL}/billing?checkout=success`,
    cancel_url: `${config.PUBLIC_WEB_URL}/billing?checkout=cancelled`,
    metadata: { org_id: principal.orgId, plan: body.plan },
    subscription_data: { metadata: { org_id: principal.orgId, plan: body.plan } },
  });
  return c.json({ data: { id: session.id, url: session.url } }, 201);
});

billing.post('/portal', signedIn, async (c) => {
  const principal = c.get('principal');
  if (!atLeast(principal.role, 'admin'))
    throw new ApiError('AUTH_INSUFFICIENT', 'only owners and admins manage billing');
  const config = c.get('config');
  const customer = (await getSubscription(c.get('db')(), principal.orgId))?.stripeCustomerId;
  if (!customer) throw new ApiError('CONFLICT', 'this org has no billing account yet: start with a checkout');
  const session = await stripeClient(config).billingPortal.sessions.create({
    customer,
    return_url: `${config.PUBLIC_WEB_URL}/billing`,
  });
  return c.json({ data: { url: session.url } }, 201);
});

/** Stripe's webhook: verified signature (5-minute tolerance), each event applied once, in order. */
export const billingWebhook = new Hono<AppEnv>();

billingWebhook.post('/', async (c) => {
  const config = c.get('config');
  if (!config.STRIPE_WEBHOOK_SECRET)
    throw new ApiError('SERVICE_UNAVAILABLE', 'billing webhooks are not configured');
  const signature = c.req.header('stripe-signature');
  if (!signature) throw new ApiError('VALIDATION_FAILED', 'missing Stripe-Signature header');
  // Stripe's events are a few kilobytes; nothing bigger is read, signed or not.
  const payload = await readCappedText(c, MAX_JSON_BYTES, 'the webhook body');
  const stripe = stripeClient(config);
  let event: Awaited<ReturnType<typeof stripe.webhooks.constructEventAsync>>;
  try {
    event = await stripe.webhooks.constructEventAsync(
      payload,
      signature,
      config.STRIPE_WEBHOOK_SECRET,
      300,
      cryptoProvider,
    );
  } catch (error) {
    throw new ApiError('VALIDATION_FAILED', `webhook signature rejected: ${(error as Error).message}`);
  }
  if (!handledEvents.has(event.type)) return c.json({ received: true, handled: false });
  const priceToPlan: Record<string, string> = {};
  if (config.STRIPE_PRICE_PRO) priceToPlan[config.STRIPE_PRICE_PRO] = 'pro';
  if (config.STRIPE_PRICE_ENTERPRISE) priceToPlan[config.STRIPE_PRICE_ENTERPRISE] = 'enterprise';
  const found = changeForEvent(event, priceToPlan, config.BILLING_GRACE_DAYS);
  if (!found) return c.json({ received: true, handled: false });
  const db = c.get('db')();
  const orgId = found.orgId ?? (found.customerId ? await orgByCustomer(db, found.customerId) : null);
  // An event for a customer we do not know is acknowledged (Stripe would retry it forever) but changes nothing.
  if (!orgId) return c.json({ received: true, handled: false, reason: 'unknown customer' });
  const outcome = await applyStripeEvent(
    db,
    { id: event.id, type: event.type, orgId, at: new Date(event.created * 1000) },
    found.change,
  );
  return c.json({ received: true, handled: true, outcome });
});
