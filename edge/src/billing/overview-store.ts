/** Read-only billing views for the admin center, from our own mirror of Stripe. */
import { and, count, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { orgs, stripeEvents, subscriptions } from '../platform/db/schema.ts';

/** Subscription count per plan and status. */
export async function subscriptionCounts(db: Db) {
  return db
    .select({ plan: subscriptions.plan, status: subscriptions.status, n: count() })
    .from(subscriptions)
    .groupBy(subscriptions.plan, subscriptions.status);
}

/** Orgs whose payment failed: still in the grace period, or past it (on free limits now). */
export async function pastDue(db: Db) {
  return db
    .select({
      orgId: subscriptions.orgId,
      orgName: orgs.name,
      plan: subscriptions.plan,
      graceUntil: subscriptions.graceUntil,
      inGrace: sql<boolean>`COALESCE(${subscriptions.graceUntil} > now(), false)`,
    })
    .from(subscriptions)
    .innerJoin(orgs, eq(orgs.id, subscriptions.orgId))
    .where(eq(subscriptions.status, 'past_due'))
    .orderBy(subscriptions.graceUntil, subscriptions.orgId);
}

export async function listSubscriptions(
  db: Db,
  opts: { status: string | null; plan: string | null; limit: number; offset: number },
) {
  const filters: SQL[] = [];
  if (opts.status) filters.push(eq(subscriptions.status, opts.status));
  if (opts.plan) filters.push(eq(subscriptions.plan, opts.plan));
  const where = filters.length ? and(...filters) : undefined;
  const [rows, totals] = await Promise.all([
    db
      .select({ sub: subscriptions, orgName: orgs.name })
      .from(subscriptions)
      .innerJoin(orgs, eq(orgs.id, subscriptions.orgId))
      .where(where)
      .orderBy(desc(subscriptions.updatedAt), subscriptions.orgId)
      .limit(opts.limit)
      .offset(opts.offset),
    db.select({ n: count() }).from(subscriptions).where(where),
  ]);
  return { rows, total: totals[0]?.n ?? 0 };
}

/** `invoice.payment_failed` events received in the last `days` days, newest first. */
export async function failedPayments(db: Db, opts: { days: number; limit: number; offset: number }) {
  const where = and(
    eq(stripeEvents.type, 'invoice.payment_failed'),
    sql`${stripeEvents.receivedAt} > now() - make_interval(days => ${opts.days})`,
  );
  const [rows, totals] = await Promise.all([
    db
      .select({
        id: stripeEvents.id,
        orgId: stripeEvents.orgId,
        at: stripeEvents.receivedAt,
        orgName: orgs.name,
      })
      .from(stripeEvents)
      .leftJoin(orgs, eq(orgs.id, stripeEvents.orgId))
      .where(where)
      .orderBy(desc(stripeEvents.receivedAt), stripeEvents.id)
      .limit(opts.limit)
      .offset(opts.offset),
    db.select({ n: count() }).from(stripeEvents).where(where),
  ]);
  return { rows, total: totals[0]?.n ?? 0 };
}
