import { createMiddleware } from 'hono/factory';
import type { AppEnv, Principal } from '../env.ts';
import { ApiError } from '../errors.ts';
import type { RateDecision } from '../rate-limit/rate-limiter-object.ts';

interface Limiter {
  hit(group: string, limit: number): Promise<RateDecision>;
}

/**
 * Per-consumer, per-route-group limits with the headers of CONTRACTS.md (IETF RateLimit fields
 * plus Kong's X-RateLimit-*-Minute). Runs after authentication so the consumer is known; an
 * anonymous caller is counted by IP.
 */
export function rateLimit(group: string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const limit = c.get('config').RATE_LIMIT_PER_MINUTE;
    // Unset on anonymous routes.
    const principal = c.get('principal') as Principal | undefined;
    const consumer = principal
      ? `${principal.kind}:${principal.id}`
      : `ip:${c.req.header('cf-connecting-ip') ?? c.req.header('x-real-ip') ?? 'unknown'}`;
    const stub = c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(consumer)) as unknown as Limiter;
    const decision = await stub.hit(group, limit);
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
        {
          headers: { ...headers, 'Retry-After': String(decision.resetSeconds) },
        },
      );
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  });
}
