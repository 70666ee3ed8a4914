/**
 * What each Stripe event means for an org's subscription, as plain data. The org is found from
 * our own metadata (`org_id`), the Checkout Session's `client_reference_id`, or the customer id.
 */
import type Stripe from 'stripe';
import { isPlan } from './plans.ts';
import type { SubscriptionChange } from './store.ts';

export interface EventChange {
  orgId: string | null;
  customerId: string | null;
  change: SubscriptionChange;
}

export const handledEvents = new Set([
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.paid',
  'invoice.payment_failed',
  'customer.updated',
]);

const idOf = (v: string | { id: string } | null | undefined) => (typeof v === 'string' ? v : (v?.id ?? null));

/**
 * The plan a subscription pays for: its price (issue 20, M8). The metadata we set at checkout is
 * not updated when the customer changes the price in the billing portal, so it would keep a
 * downgraded org on the higher plan. A price this edge does not sell grants the free plan; only
 * an edge with no prices configured (STRIPE_PRICE_*) falls back to the metadata.
 */
function planOf(sub: Stripe.Subscription, priceToPlan: Record<string, string>): string | null {
  const price = sub.items?.data?.[0]?.price?.id;
  if (Object.keys(priceToPlan).length === 0) {
    const fromMeta = sub.metadata?.plan;
    return isPlan(fromMeta) ? fromMeta : null;
  }
  const mapped = price ? priceToPlan[price] : undefined;
  return isPlan(mapped) ? mapped : 'free';
}

function periodEnd(sub: Stripe.Subscription): Date | null {
  const raw =
    (sub as unknown as { current_period_end?: number }).current_period_end ??
    (sub.items?.data?.[0] as unknown as { current_period_end?: number } | undefined)?.current_period_end;
  return typeof raw === 'number' ? new Date(raw * 1000) : null;
}

/** The change an event makes, or null for an event that changes nothing here. */
export function changeForEvent(
  event: Stripe.Event,
  priceToPlan: Record<string, string>,
  graceDays: number,
): EventChange | null {
  switch (event.type) {
    case 'checkout.session.completed': {
      const s = event.data.object;
      const plan = s.metadata?.plan;
      return {
        orgId: s.client_reference_id ?? s.metadata?.org_id ?? null,
        customerId: idOf(s.customer),
        change: {
          customerId: idOf(s.customer),
          subscriptionId: idOf(s.subscription),
          ...(isPlan(plan) ? { plan, status: 'active' } : {}),
        },
      };
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated': {
      const sub = event.data.object;
      return {
        orgId: sub.metadata?.org_id ?? null,
        customerId: idOf(sub.customer),
        change: {
          customerId: idOf(sub.customer),
          subscriptionId: sub.id,
          plan: planOf(sub, priceToPlan),
          status: sub.status,
          currentPeriodEnd: periodEnd(sub),
          ...(sub.status === 'active' || sub.status === 'trialing' ? { graceUntil: null } : {}),
        },
      };
    }
    case 'customer.subscription.deleted': {
      const sub = event.data.object;
      return {
        orgId: sub.metadata?.org_id ?? null,
        customerId: idOf(sub.customer),
        change: { subscriptionId: sub.id, plan: 'free', status: 'canceled', graceUntil: null },
      };
    }
    case 'invoice.paid': {
      const inv = event.data.object;
      return {
        orgId: inv.metadata?.org_id ?? null,
        customerId: idOf(inv.customer),
        change: { status: 'active', graceUntil: null },
      };
    }
    case 'invoice.payment_failed': {
      const inv = event.data.object;
      const grace = new Date(event.created * 1000 + graceDays * 86_400_000);
      return {
        orgId: inv.metadata?.org_id ?? null,
        customerId: idOf(inv.customer),
        change: { status: 'past_due', graceUntil: grace },
      };
    }
    case 'customer.updated': {
      const customer = event.data.object;
      return {
        orgId: customer.metadata?.org_id ?? null,
        customerId: customer.id,
        change: { customerId: customer.id },
      };
    }
    default:
      return null;
  }
}
