/** Subscriptions and processed Stripe events. Each webhook event is applied in one statement. */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { agents, subscriptions } from '../platform/db/schema.ts';

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
 * Applies one Stripe event to an org's subscription, exactly once and whatever the arrival order,
 * in a single statement: the event id is recorded and the change made together (or neither).
 * Each field keeps the value of the newest event that set it (by the event's `created`, then its
 * id), so events that set only some fields (an invoice sets the status, a deletion no period end)
 * give the same final row in any order. An event that wins no field is recorded but `stale`.
 */
export async function applyStripeEvent(
  db: Db,
  event: { id: string; type: string; orgId: string; at: Date },
  change: SubscriptionChange,
): Promise<'applied' | 'duplicate' | 'stale'> {
  const key = `${String(Math.floor(event.at.getTime() / 1000)).padStart(12, '0')}:${event.id}`;
  const fields = {
    customer: {
      column: sql.raw('stripe_customer_id'),
      value: sql`${change.customerId ?? null}::text`,
      set: change.customerId != null,
    },
    subscription: {
      column: sql.raw('stripe_subscription_id'),
      value: sql`${change.subscriptionId ?? null}::text`,
      set: change.subscriptionId != null,
    },
    plan: { column: sql.raw('plan'), value: sql`${change.plan ?? null}::text`, set: change.plan != null },
    status: {
      column: sql.raw('status'),
      value: sql`${change.status ?? null}::text`,
      set: change.status != null,
    },
    period: {
      column: sql.raw('current_period_end'),
      value: sql`${change.currentPeriodEnd ?? null}::timestamptz`,
      set: change.currentPeriodEnd != null,
    },
    // null clears the grace period; undefined leaves it.
    grace: {
      column: sql.raw('grace_until'),
      value: sql`${change.graceUntil ?? null}::timestamptz`,
      set: change.graceUntil !== undefined,
    },
  };
  const entries = Object.entries(fields);
  const wins = (name: string, set: boolean) =>
    set ? sql`(COALESCE(s.field_at->>${name}, '') < ${key})` : sql`false`;
  const assignments = sql.join(
    entries.map(
      ([name, f]) => sql`${f.column} = CASE WHEN ${wins(name, f.set)} THEN ${f.value} ELSE s.${f.column} END`,
    ),
    sql`, `,
  );
  const marks = sql.join(
    entries.map(([name, f]) => sql`${name}::text, CASE WHEN ${wins(name, f.set)} THEN ${key}::text END`),
    sql`, `,
  );
  const anyWins = sql.join(
    entries.map(([name, f]) => wins(name, f.set)),
    sql` OR `,
  );
  const initial = JSON.stringify(
    Object.fromEntries(entries.filter(([, f]) => f.set).map(([name]) => [name, key])),
  );
  const result = await db.execute<{ fresh: number; applied: number }>(sql`
    WITH ev AS (
      INSERT INTO stripe_events (id, type, org_id) VALUES (${event.id}, ${event.type}, ${event.orgId})
      ON CONFLICT (id) DO NOTHING RETURNING id
    ), up AS (
      INSERT INTO subscriptions AS s (org_id, stripe_customer_id, stripe_subscription_id, plan, status,
                                      current_period_end, grace_until, source_at, field_at, updated_at)
      SELECT ${event.orgId}, ${fields.customer.value}, ${fields.subscription.value},
             COALESCE(${fields.plan.value}, 'free'), COALESCE(${fields.status.value}, 'none'),
             ${fields.period.value}, ${fields.grace.value}, ${event.at}::timestamptz, ${initial}::jsonb, now()
        FROM ev
      ON CONFLICT (org_id) DO UPDATE SET
        ${assignments},
        field_at = s.field_at || jsonb_strip_nulls(jsonb_build_object(${marks})),
        source_at = GREATEST(s.source_at, excluded.source_at),
        updated_at = now()
      WHERE ${anyWins}
      RETURNING org_id
    )
    SELECT (SELECT count(*) FROM ev)::int AS fresh, (SELECT count(*) FROM up)::int AS applied`);
  const row = result.rows[0];
  if (!row || row.fresh === 0) return 'duplicate';
  return row.applied === 1 ? 'applied' : 'stale';
}
