/** The billing domain's public surface for the rest of the edge (its HTTP routes: api.ts). */

// What the rest of the edge uses from this domain.
export { planView } from './plan-view.ts';
export { effectivePlan, type PlanLimits, type PlanName, plans, scaledRateLimit } from './plans.ts';
export { applyStripeEvent, countAgents, getSubscription, type SubscriptionChange } from './store.ts';
