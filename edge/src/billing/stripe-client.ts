/**
 * The Stripe SDK as the Worker uses it: fetch for HTTP and Web Crypto for webhook signatures.
 * STRIPE_API_BASE points it at another host (a local stand-in that speaks Stripe's wire format in
 * development and tests); unset, it talks to Stripe.
 */
import Stripe from 'stripe';
import type { Config } from '../platform/config.ts';
import { ApiError } from '../platform/errors.ts';

export function stripeClient(config: Config): Stripe {
  if (!config.STRIPE_SECRET_KEY)
    throw new ApiError('SERVICE_UNAVAILABLE', 'billing is not configured (STRIPE_SECRET_KEY)');
  const base = config.STRIPE_API_BASE ? new URL(config.STRIPE_API_BASE) : null;
  return new Stripe(config.STRIPE_SECRET_KEY, {
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 2,
    timeout: 15_000,
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
          protocol: base.protocol.replace(':', '') as 'http' | 'https',
        }
      : {}),
  });
}

export const cryptoProvider = Stripe.createSubtleCryptoProvider();
