/**
 * `GET /_bench/chain` (BENCH_ROUTES=1 only): a route that does nothing behind the full chain and
 * the gate, so the benchmark can measure what authentication and rate limiting cost per request.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import { anyRole, gate } from './api-auth.ts';

export const benchProbe = new Hono<AppEnv>();
benchProbe.use(gate(anyRole, 'bench'));
benchProbe.get('/', (c) => (c.get('config').BENCH_ROUTES ? c.json({ ok: true }) : c.body(null, 404)));
