import { edgeAction, edgeQuery } from '../../lib/edge-call.ts';
import { fetchPlan, fetchPlans, makeCheckout, makePortal } from './server.ts';

export const getPlans = edgeQuery(() => fetchPlans(), 'plans');
export const getPlan = edgeQuery(() => fetchPlan(), 'plan');
export const startCheckout = edgeAction((form: FormData) => makeCheckout(form), 'checkout');
export const openPortal = edgeAction(() => makePortal(), 'portal');
