/**
 * The admin center's billing overview (platform admins, read-only): subscriptions, MRR from list
 * prices × paying subscriptions, failed payments and orgs in their grace period.
 */
import { issuesFromZod } from '@kombify/proto/issue';
import { Hono } from 'hono';
import { z } from 'zod';
import { gate, platformAdmin } from '../accounts/index.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { readPage } from '../platform/validate.ts';
import { failedPayments, listSubscriptions, pastDue, subscriptionCounts } from './overview-store.ts';
import { effectivePlan, isPlan, monthlyPrice, type PlanName } from './plans.ts';

export const billingAdmin = new Hono<AppEnv>();
billingAdmin.use(gate(platformAdmin, 'admin'));

const FAILED_WINDOW_DAYS = 30;

billingAdmin.get('/overview', async (c) => {
  const db = c.get('db')();
  const [counts, due, failed] = await Promise.all([
    subscriptionCounts(db),
    pastDue(db),
    failedPayments(db, { days: FAILED_WINDOW_DAYS, limit: 1, offset: 0 }),
  ]);
  const byPlan: Record<PlanName, number> = { free: 0, pro: 0, enterprise: 0 };
  const byStatus: Record<string, number> = {};
  const mrrByPlan: Record<PlanName, number> = { free: 0, pro: 0, enterprise: 0 };
  let atRisk = 0;
  for (const row of counts) {
    byStatus[row.status] = (byStatus[row.status] ?? 0) + row.n;
    if (!isPlan(row.plan)) continue;
    byPlan[row.plan] += row.n;
    // Paying now: active subscriptions. Past due ones are revenue at risk, not MRR.
    if (row.status === 'active') mrrByPlan[row.plan] += row.n * monthlyPrice[row.plan].amountCents;
  }
  for (const d of due) if (d.inGrace && isPlan(d.plan)) atRisk += monthlyPrice[d.plan].amountCents;
  return c.json({
    data: {
      subscriptions: {
        total: counts.reduce((n, r) => n + r.n, 0),
        by_plan: byPlan,
        by_status: byStatus,
      },
      mrr: {
        currency: monthlyPrice.pro.currency,
        amount_cents: Object.values(mrrByPlan).reduce((a, b) => a + b, 0),
        by_plan_cents: mrrByPlan,
        at_risk_cents: atRisk,
      },
      failed_payments: { window_days: FAILED_WINDOW_DAYS, count: failed.total },
      grace: {
        in_grace: due
          .filter((d) => d.inGrace)
          .map((d) => ({
            org_id: d.orgId,
            org_name: d.orgName,
            plan: d.plan,
            grace_until: d.graceUntil?.toISOString() ?? null,
          })),
        past_grace: due
          .filter((d) => !d.inGrace)
          .map((d) => ({ org_id: d.orgId, org_name: d.orgName, plan: d.plan })),
      },
    },
  });
});

export const subscriptionFilters = z.object({
  status: z.enum(['none', 'active', 'trialing', 'past_due', 'canceled', 'unpaid', 'incomplete']).optional(),
  plan: z.enum(['free', 'pro', 'enterprise']).optional(),
});

billingAdmin.get('/subscriptions', async (c) => {
  const page = readPage(c);
  const parsed = subscriptionFilters.safeParse({ status: c.req.query('status'), plan: c.req.query('plan') });
  if (!parsed.success) {
    throw new ApiError('VALIDATION_FAILED', 'invalid filter', {
      details: issuesFromZod(parsed.error),
    });
  }
  const { rows, total } = await listSubscriptions(c.get('db')(), {
    status: parsed.data.status ?? null,
    plan: parsed.data.plan ?? null,
    limit: page.limit,
    offset: page.offset,
  });
  return c.json({
    data: rows.map(({ sub, orgName }) => ({
      org_id: sub.orgId,
      org_name: orgName,
      plan: sub.plan,
      status: sub.status,
      effective_plan: effectivePlan(sub),
      stripe_customer_id: sub.stripeCustomerId,
      stripe_subscription_id: sub.stripeSubscriptionId,
      current_period_end: sub.currentPeriodEnd?.toISOString() ?? null,
      grace_until: sub.graceUntil?.toISOString() ?? null,
      updated_at: sub.updatedAt.toISOString(),
    })),
    pagination: { page: page.page, per_page: page.perPage, total },
  });
});

billingAdmin.get('/failed-payments', async (c) => {
  const page = readPage(c);
  const { rows, total } = await failedPayments(c.get('db')(), {
    days: FAILED_WINDOW_DAYS,
    limit: page.limit,
    offset: page.offset,
  });
  return c.json({
    data: rows.map((r) => ({ event_id: r.id, org_id: r.orgId, org_name: r.orgName, at: r.at.toISOString() })),
    pagination: { page: page.page, per_page: page.perPage, total },
  });
});
