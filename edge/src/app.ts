/**
 * The edge's Hono app: one ordered global chain, then one sub-app per domain. Each domain's
 * routes carry their own gate (auth role + rate limit) next to them; this file only orders the
 * chain, mounts the domains, and is the single place where errors become the contract's shape.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { accountsApi } from './accounts/api.ts';
import { adminApi } from './admin/api.ts';
import { apiReference } from './api-docs/api.ts';
import { domainDocs } from './api-reference.ts';
import { billingApi } from './billing/api.ts';
import { catalogApi } from './catalog/api.ts';
import { dashboardApi } from './dashboard/api.ts';
import { jobsApi } from './jobs/api.ts';
import { platformApi } from './platform/api.ts';
import { benchRoutesEnabled } from './platform/config.ts';
import type { AppEnv } from './platform/env.ts';
import { ApiError, errorBody } from './platform/errors.ts';
import { cors } from './platform/middleware/cors.ts';
import { stripIdentityHeaders } from './platform/middleware/identity-headers.ts';
import { requestId } from './platform/middleware/request-id.ts';
import { securityHeaders } from './platform/middleware/security-headers.ts';
import { services } from './platform/middleware/services.ts';
import { releasesApi } from './releases/api.ts';
import { secretsApi } from './secrets/api.ts';
import { simulationsApi } from './simulations/api.ts';
import { stackkitsApi } from './stackkits/api.ts';
import { stacksApi } from './stacks/api.ts';
import { tofuStateApi } from './tofu-state/api.ts';
import { workersApi } from './workers/api.ts';

export const app = new Hono<AppEnv>();

// Benchmark probe (BENCH_ROUTES=1 only): registered before any middleware, so it answers with none.
app.get('/_bench/bare', (c) => (benchRoutesEnabled(c.env) ? c.json({ ok: true }) : c.body(null, 404)));

// The chain, in order: request id → strip spoofable identity headers → security headers →
// per-request services → CORS. The gates come with the domains below, after the chain.
app.use('*', requestId);
app.use('*', stripIdentityHeaders);
app.use('*', securityHeaders);
app.use('*', services);
app.use('*', cors);

app.route('/', platformApi);
app.route('/', accountsApi);
app.route('/', adminApi);
app.route('/', catalogApi);
app.route('/', dashboardApi);
app.route('/', billingApi);
app.route('/', stackkitsApi);
app.route('/', workersApi);
app.route('/', jobsApi);
app.route('/', stacksApi);
app.route('/', secretsApi);
app.route('/', releasesApi);
// After stacks: `/v1/orchestrator/stacks/{id}/state-credentials` shares the stacks prefix.
app.route('/', tofuStateApi);
app.route('/', simulationsApi);
// Last: the reference describes the routes above, read from this app's own router.
app.route(
  '/',
  apiReference(() => app.routes, domainDocs),
);

app.notFound((c) => {
  const error = new ApiError('NOT_FOUND', `no route for ${c.req.method} ${new URL(c.req.url).pathname}`);
  return c.json(errorBody(error, c.get('requestId') ?? ''), 404);
});

app.onError((err, c) => {
  const id = c.get('requestId') ?? '';
  let error: ApiError;
  if (err instanceof ApiError) error = err;
  else if (err instanceof HTTPException && err.status < 500)
    error = new ApiError('VALIDATION_FAILED', err.message);
  else error = new ApiError('INTERNAL_ERROR', 'internal error', { cause: err });
  if (error.status >= 500) console.error(`[${id}] ${error.code}:`, error.cause ?? error);
  c.header('X-Request-ID', id);
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  return c.json(errorBody(error, id), error.status);
});
