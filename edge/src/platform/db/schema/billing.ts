/** Subscriptions (mirrored from Stripe) and the Stripe events already applied. */
import { sql } from 'drizzle-orm';
import { jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { orgs } from './accounts.ts';

/**
 * An org's subscription, mirrored from Stripe (canonical there). `source_at` is the Stripe event
 * time of the newest applied change; `field_at` records, per field, the event that last set it
 * (`<created, zero-padded>:<event id>`), so an older event arriving late never rolls a field back
 * and the result is the same whatever order the events arrive in.
 */
export const subscriptions = pgTable('subscriptions', {
  orgId: text('org_id')
    .primaryKey()
    .references(() => orgs.id, { onDelete: 'cascade' }),
  stripeCustomerId: text('stripe_customer_id').unique(),
  stripeSubscriptionId: text('stripe_subscription_id'),
  plan: text('plan').notNull().default('free'),
  status: text('status').notNull().default('none'),
  currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }),
  graceUntil: timestamp('grace_until', { withTimezone: true }),
  sourceAt: timestamp('source_at', { withTimezone: true }),
  fieldAt: jsonb('field_at').$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Stripe events already applied (webhook idempotency). */
export const stripeEvents = pgTable('stripe_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  orgId: text('org_id'),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
});
