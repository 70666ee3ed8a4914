import { edgeQuery } from '../../lib/edge-call.ts';
import { fetchFailedPayments, fetchOverview, fetchSubscriptions } from './server.ts';

export const getBillingOverview = edgeQuery(() => fetchOverview(), 'admin-billing-overview');
export const getSubscriptions = edgeQuery(() => fetchSubscriptions(), 'admin-subscriptions');
export const getFailedPayments = edgeQuery(() => fetchFailedPayments(), 'admin-failed-payments');
