/**
 * Plans and what they allow: one table, used by every check. `free` is what an org without a
 * paid subscription gets (CONTRACTS.md: read-only stacks, 3 simulations a month, public
 * StackKits).
 */
export type PlanName = 'free' | 'pro' | 'enterprise';

export interface PlanLimits {
  /** Enrolled nodes (workers). */
  nodes: number;
  stacks: number;
  simulationsPerMonth: number;
  /** Requests per minute per consumer. */
  rateLimitPerMinute: number;
  stackkits: 'public' | 'all';
  stacksWritable: boolean;
}

export const plans: Record<PlanName, PlanLimits> = {
  free: {
    nodes: 2,
    stacks: 1,
    simulationsPerMonth: 3,
    rateLimitPerMinute: 600,
    stackkits: 'public',
    stacksWritable: false,
  },
  pro: {
    nodes: 25,
    stacks: 25,
    simulationsPerMonth: 100,
    rateLimitPerMinute: 3000,
    stackkits: 'all',
    stacksWritable: true,
  },
  enterprise: {
    nodes: 1000,
    stacks: 1000,
    simulationsPerMonth: 10_000,
    rateLimitPerMinute: 20_000,
    stackkits: 'all',
    stacksWritable: true,
  },
};

/**
 * List prices per month, for the admin center's MRR. Stripe's prices are canonical for what a
 * customer pays; these mirror the published list prices (no discounts or taxes).
 */
export const monthlyPrice: Record<PlanName, { amountCents: number; currency: 'usd' }> = {
  free: { amountCents: 0, currency: 'usd' },
  pro: { amountCents: 2900, currency: 'usd' },
  enterprise: { amountCents: 49900, currency: 'usd' },
};

export function isPlan(value: unknown): value is PlanName {
  return value === 'free' || value === 'pro' || value === 'enterprise';
}

/**
 * The plan an org has now: its subscription's plan while the subscription is active (or within
 * the grace period after a failed payment), else free. Nothing is deleted on a downgrade; new
 * things are blocked.
 */
export function effectivePlan(
  sub: { plan: string; status: string; graceUntil: Date | null } | null,
  now = new Date(),
): PlanName {
  if (!sub || !isPlan(sub.plan)) return 'free';
  if (sub.status === 'active' || sub.status === 'trialing') return sub.plan;
  if (sub.status === 'past_due' && sub.graceUntil && sub.graceUntil > now) return sub.plan;
  return 'free';
}

/**
 * A consumer's rate limit: the configured base (RATE_LIMIT_PER_MINUTE, the free plan's level)
 * raised in proportion to the org's plan.
 */
export function scaledRateLimit(base: number, plan: PlanName): number {
  return Math.max(1, Math.round((base * plans[plan].rateLimitPerMinute) / plans.free.rateLimitPerMinute));
}
