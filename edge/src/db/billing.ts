/** Subscriptions and processed Stripe events. Each webhook event is applied in one statement. */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from './client.ts';
import { agents, subscriptions } from './schema.ts';

export type SubscriptionRow = typeof subscriptions.$inferSelect;

export async function getSubscription(db: Db, orgId: string): Promise<SubscriptionRow | null> {
  const rows = await db.select().from(subscriptions).where(eq(subscriptions.orgId, orgId)).limit(1);
  return rows[0] ?? null;
}

export async function orgByCustomer(db: Db, customerId: string): Promise<string | null> {
  const rows = await db
    .select({ orgId: subscriptions.orgId })
    .from(subscriptions)
    .where(eq(subscriptions.stripeCustomerId, customerId))
    .limit(1);
  return rows[0]?.orgId ?? null;
}

/** Records the org's Stripe customer once; returns the customer id that is stored (first wins). */
export async function saveCustomer(db: Db, orgId: string, customerId: string): Promise<string> {
  await db
    .insert(subscriptions)
    .values({ orgId, stripeCustomerId: customerId })
    .onConflictDoUpdate({
      target: subscriptions.orgId,
      set: {
        stripeCustomerId: sql`COALESCE(${subscriptions.stripeCustomerId}, excluded.stripe_customer_id)`,
      },
    });
  return (await getSubscription(db, orgId))?.stripeCustomerId ?? customerId;
}

/** The org's nodes for its plan: enrolled agents, not counting simulated workers (KombiSim nodes). */
export async function countAgents(db: Db, orgId: string): Promise<number> {
  const rows = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(agents)
    .where(and(eq(agents.orgId, orgId), isNull(agents.simulationId)));
  return rows[0]?.n ?? 0;
}

export interface SubscriptionChange {
  customerId?: string | null;
  subscriptionId?: string | null;
  plan?: string | null;
  status?: string | null;
  currentPeriodEnd?: Date | null;
  /** Set (or clear, with null) the grace period; undefined leaves it as it is. */
  graceUntil?: Date | null;
}

/**
 * Applies one Stripe event to an org's subscription, exactly once and in order, in a single
 * statement: the event id is recorded and the change made together (or neither); a change whose
 * event is older than the last one applied is recorded but not made.
 */
export async function applyStripeEvent(
  db: Db,
  event: { id: string; type: string; orgId: string; at: Date },
  change: SubscriptionChange,
): Promise<'applied' | 'duplicate' | 'stale'> {
  const setGrace = change.graceUntil !== undefined;
  const result = await db.execute<{ fresh: number; applied: number }>(sql`
    WITH ev AS (
      INSERT INTO stripe_events (id, type, org_id) VALUES (${event.id}, ${event.type}, ${event.orgId})
      ON CONFLICT (id) DO NOTHING RETURNING id
    ), up AS (
      INSERT INTO subscriptions AS s (org_id, stripe_customer_id, stripe_subscription_id, plan, status,
                                      current_period_end, grace_until, source_at, updated_at)
      SELECT ${event.orgId}, ${change.customerId ?? null}::text, ${change.subscriptionId ?? null}::text,
             COALESCE(${change.plan ?? null}::text, 'free'), COALESCE(${change.status ?? null}::text, 'none'),
             ${change.currentPeriodEnd ?? null}::timestamptz, ${change.graceUntil ?? null}::timestamptz,
             ${event.at}::timestamptz, now()
        FROM ev
      ON CONFLICT (org_id) DO UPDATE SET
        stripe_customer_id = COALESCE(excluded.stripe_customer_id, s.stripe_customer_id),
        stripe_subscription_id = COALESCE(excluded.stripe_subscription_id, s.stripe_subscription_id),
        plan = COALESCE(${change.plan ?? null}::text, s.plan),
        status = COALESCE(${change.status ?? null}::text, s.status),
        current_period_end = COALESCE(excluded.current_period_end, s.current_period_end),
        grace_until = CASE WHEN ${setGrace} THEN excluded.grace_until ELSE s.grace_until END,
        source_at = excluded.source_at,
        updated_at = now()
      WHERE s.source_at IS NULL OR s.source_at <= excluded.source_at
      RETURNING org_id
    )
    SELECT (SELECT count(*) FROM ev)::int AS fresh, (SELECT count(*) FROM up)::int AS applied`);
  const row = result.rows[0];
  if (!row || row.fresh === 0) return 'duplicate';
  return row.applied === 1 ? 'applied' : 'stale';
}
