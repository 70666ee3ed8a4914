import type { Db } from '../platform/db/client.ts';
import { effectivePlan, plans } from './plans.ts';
import { countAgents, getSubscription } from './store.ts';

/** The org's plan, its limits and its usage against them. */
export async function planView(db: Db, orgId: string) {
  const [sub, nodes] = await Promise.all([getSubscription(db, orgId), countAgents(db, orgId)]);
  const plan = effectivePlan(sub);
  return {
    plan,
    status: sub?.status ?? 'none',
    subscribed_plan: sub?.plan ?? 'free',
    grace_until: sub?.graceUntil?.toISOString() ?? null,
    current_period_end: sub?.currentPeriodEnd?.toISOString() ?? null,
    limits: plans[plan],
    usage: { nodes },
  };
}
