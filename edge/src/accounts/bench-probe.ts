/**
 * Benchmark probes (BENCH_ROUTES=1 only, 404 otherwise):
 * - `GET /_bench/chain`: a route that does nothing behind the full chain and the gate, so the
 *   benchmark can measure what authentication and rate limiting cost per request;
 * - `DELETE /_bench/revoke/:id`: revokes a key of the caller's org as a revocation served by
 *   another isolate reaches this one (the row and the key's object, not this isolate's cache), so
 *   the benchmark can measure the revocation bound on a one-isolate local edge.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { anyRole, gate, keyManagerRoles } from './api-auth.ts';
import { revokeApiKey } from './api-keys-store.ts';
import { consumerLimiter } from './rate-limit/rate-limit.ts';

export const benchProbe = new Hono<AppEnv>();
benchProbe.use(gate(anyRole, 'bench'));
benchProbe.get('/', (c) => (c.get('config').BENCH_ROUTES ? c.json({ ok: true }) : c.body(null, 404)));

export const benchRevoke = new Hono<AppEnv>();
benchRevoke.use(gate(keyManagerRoles, 'bench'));
benchRevoke.delete('/:id', async (c) => {
  if (!c.get('config').BENCH_ROUTES) return c.body(null, 404);
  const revoked = await revokeApiKey(c.get('db')(), c.get('principal').orgId, c.req.param('id'));
  if (!revoked) throw new ApiError('NOT_FOUND', `API key ${c.req.param('id')} not found`);
  await consumerLimiter(c.env, `api_key:${revoked.hash}`).evictApiKey();
  return c.json({ data: { id: revoked.id } });
});
