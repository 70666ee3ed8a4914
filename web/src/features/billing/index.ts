import { action, query } from '@solidjs/router';
import { fetchPlan, fetchPlans, makeCheckout, makePortal } from './server.ts';

export const getPlans = query(() => fetchPlans(), 'plans');
export const getPlan = query(() => fetchPlan(), 'plan');
export const startCheckout = action((form: FormData) => makeCheckout(form), 'checkout');
export const openPortal = action(() => makePortal(), 'portal');
