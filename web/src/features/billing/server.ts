'use server';
import * as api from '@kombify/proto/api';
import { edgeJson } from '../../server/edge.ts';

export async function fetchPlans() {
  return edgeJson('/api/billing/plans', api.planList);
}

export async function fetchPlan() {
  return edgeJson('/api/billing/plan', api.billingPlan);
}

/** A Stripe-hosted Checkout session for the plan; the page sends the browser there. */
export async function makeCheckout(form: FormData) {
  return edgeJson('/api/billing/checkout', api.redirectTarget, { body: { plan: String(form.get('plan')) } });
}

export async function makePortal() {
  return edgeJson('/api/billing/portal', api.redirectTarget, { method: 'POST' });
}
