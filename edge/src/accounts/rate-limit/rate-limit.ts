import type { Context } from 'hono';
import type { AppEnv, Env, Principal } from '../../platform/env.ts';
import { ApiError } from '../../platform/errors.ts';
import { clientAddress } from '../../platform/unverified-budget.ts';
import type { RateDecision, RateLimiterObject } from './rate-limiter-object.ts';

/** The consumer object's RPC surface, typed from the class through its stub. */
export type ConsumerLimiter = Pick<DurableObjectStub<RateLimiterObject>, 'hit' | 'apiKey' | 'evictApiKey'>;

/** One object per consumer: `api_key:<sha256>`, `user:<id>`, `session:<id>` or `ip:<address>`. */
export function consumerLimiter(env: Env, consumer: string): ConsumerLimiter {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(consumer));
}

export function consumerOf(c: Context<AppEnv>, principal: Principal | undefined): string {
  if (principal) return `${principal.kind}:${principal.id}`;
  return `ip:${clientAddress(c.req.raw.headers)}`;
}

/**
 * Applies a rate decision with the headers of CONTRACTS.md (IETF RateLimit fields plus Kong's
 * X-RateLimit-*-Minute): throws 429 with Retry-After when refused, else returns the headers to
 * put on the response.
 */
export function enforce(decision: RateDecision): Record<string, string> {
  const headers = {
    'RateLimit-Limit': String(decision.limit),
    'RateLimit-Remaining': String(decision.remaining),
    'RateLimit-Reset': String(decision.resetSeconds),
    'X-RateLimit-Limit-Minute': String(decision.limit),
    'X-RateLimit-Remaining-Minute': String(decision.remaining),
  };
  if (!decision.allowed) {
    throw new ApiError(
      'RATE_LIMITED',
      `rate limit of ${decision.limit} requests per minute reached; retry in ${decision.resetSeconds} s`,
      { headers: { ...headers, 'Retry-After': String(decision.resetSeconds) } },
    );
  }
  return headers;
}
