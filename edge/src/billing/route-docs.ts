/** The billing domain's routes for the OpenAPI document (api-docs). */
import * as api from '@kombify/proto/api';
import { z } from 'zod';
import { data, listOf, type RouteDocs } from '../platform/openapi/route-doc.ts';
import { subscriptionFilters } from './overview-routes.ts';
import { checkoutBody } from './routes.ts';

export const billingRouteDocs: RouteDocs = {
  'GET /api/billing/plans': {
    summary: 'The plans and their limits (the pricing page)',
    response: data(api.planList),
  },
  'GET /api/billing/plan': {
    summary: 'Your org’s plan, status, limits and usage',
    response: data(api.billingPlan),
  },
  'POST /api/billing/checkout': {
    summary: 'A Stripe-hosted Checkout Session for a plan (one Stripe customer per org, reused)',
    body: checkoutBody,
    status: 201,
    response: data(api.redirectTarget.extend({ id: z.string() })),
    errors: ['SERVICE_UNAVAILABLE'],
  },
  'POST /api/billing/portal': {
    summary: 'The Stripe billing portal URL',
    status: 201,
    response: data(api.redirectTarget),
    errors: ['SERVICE_UNAVAILABLE', 'CONFLICT'],
  },
  'POST /api/billing/webhook': {
    summary:
      'Stripe events: signature and 5-minute tolerance checked, each applied once, never rolled back by an older event',
    body: { contentType: 'application/json', description: 'a Stripe event, read as text for the signature' },
    auth: { credentials: ['stripeSignature'], roles: null },
    errors: ['SERVICE_UNAVAILABLE'],
  },
  'GET /api/v1/billing/overview': {
    summary: 'Subscriptions by plan and status, MRR and MRR at risk, failed payments, orgs in grace',
    response: data(api.billingOverview),
  },
  'GET /api/v1/billing/subscriptions': {
    summary: 'Subscriptions with their effective plan',
    query: subscriptionFilters,
    paged: true,
    response: listOf(api.adminSubscription),
  },
  'GET /api/v1/billing/failed-payments': {
    summary: '`invoice.payment_failed` events of the last 30 days',
    paged: true,
    response: listOf(api.failedPayment),
  },
};
