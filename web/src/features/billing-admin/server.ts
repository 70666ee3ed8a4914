'use server';
import * as api from '@kombify/proto/api';
import { edgeJson } from '../../server/edge.ts';

export async function fetchOverview() {
  return edgeJson('/api/v1/billing/overview', api.billingOverview);
}

export async function fetchSubscriptions() {
  return edgeJson('/api/v1/billing/subscriptions?per_page=100', api.adminSubscriptionList);
}

export async function fetchFailedPayments() {
  return edgeJson('/api/v1/billing/failed-payments?per_page=20', api.failedPaymentList);
}
