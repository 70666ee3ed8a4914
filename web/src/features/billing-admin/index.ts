import { query } from '@solidjs/router';
import { fetchFailedPayments, fetchOverview, fetchSubscriptions } from './server.ts';

export const getBillingOverview = query(() => fetchOverview(), 'admin-billing-overview');
export const getSubscriptions = query(() => fetchSubscriptions(), 'admin-subscriptions');
export const getFailedPayments = query(() => fetchFailedPayments(), 'admin-failed-payments');
