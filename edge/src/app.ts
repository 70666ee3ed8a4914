/**
 * The edge's Hono app: one ordered middleware chain, one sub-app per resource, and the single
 * place where errors become the contract's error shape.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from './env.ts';
import { ApiError, errorBody } from './errors.ts';
import { account } from './features/account/index.ts';
import { agentRpc, agentRpcPrefix } from './features/agent-rpc/index.ts';
import { auth } from './features/auth/index.ts';
import { enrollmentTokens } from './features/enrollment-tokens/index.ts';
import { health } from './features/health/index.ts';
import { jobs } from './features/jobs/index.ts';
import { workers } from './features/workers/index.ts';
import { anyRole, apiAuth, operatorRoles } from './middleware/api-auth.ts';
import { cors } from './middleware/cors.ts';
import { rateLimit } from './middleware/rate-limit.ts';
import { requestId } from './middleware/request-id.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { services } from './middleware/services.ts';

export const app = new Hono<AppEnv>();

// The chain, in order: request id → security headers → per-request services → CORS →
// (per route group) auth → rate limit.
app.use('*', requestId);
app.use('*', securityHeaders);
app.use('*', services);
app.use('*', cors);
app.use('/v1/orchestrator/*', apiAuth(operatorRoles), rateLimit('orchestrator'));
app.use('/api/me', apiAuth(anyRole), rateLimit('account'));

app.route('/', health);
app.route('/auth', auth);
app.route('/api/me', account);
app.route(agentRpcPrefix, agentRpc);
app.route('/v1/orchestrator/enrollment-tokens', enrollmentTokens);
app.route('/v1/orchestrator/workers', workers);
app.route('/v1/orchestrator/jobs', jobs);

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
