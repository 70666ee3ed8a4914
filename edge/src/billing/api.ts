/**
 * Billing: plans and the org's own plan, Stripe Checkout and portal, the Stripe webhook (its own
 * signature check, no gate), and the platform admins' overview.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import { billingAdmin } from './overview-routes.ts';
import { billing, billingWebhook } from './routes.ts';

export const billingApi = new Hono<AppEnv>()
  .route('/api/v1/billing', billingAdmin)
  .route('/api/billing/webhook', billingWebhook)
  .route('/api/billing', billing);
export { billingRouteDocs } from './route-docs.ts';
