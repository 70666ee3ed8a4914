/**
 * The edge's Hono app: one ordered middleware chain, one sub-app per resource, and the single
 * place where errors become the contract's error shape.
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { anyRole, gate, keyManagerRoles, operatorRoles, platformAdmin } from './accounts/api-auth.ts';
import { apiKeys } from './accounts/api-key-routes.ts';
import { auth } from './accounts/auth-routes.ts';
import { account } from './accounts/me-routes.ts';
import { org } from './accounts/org-routes.ts';
import { sso } from './accounts/sso-routes.ts';
import { auditAdmin, featureFlagsAdmin, featureFlagsInternal } from './admin/flag-routes.ts';
import { usersInternal } from './admin/user-internal-routes.ts';
import { endImpersonationPath, usersAdmin } from './admin/user-routes.ts';
import { billingAdmin } from './billing/overview-routes.ts';
import { billing, billingWebhook } from './billing/routes.ts';
import { discoveryAdmin } from './catalog/discovery-routes.ts';
import { categoriesAdmin, patternsAdmin, toolsAdmin, toolsLauncher } from './catalog/routes.ts';
import { dashboard } from './dashboard/index.ts';
import { jobs } from './jobs/routes.ts';
import { benchRoutesEnabled } from './platform/config.ts';
import type { AppEnv } from './platform/env.ts';
import { ApiError, errorBody } from './platform/errors.ts';
import { health } from './platform/health.ts';
import { cors } from './platform/middleware/cors.ts';
import { stripIdentityHeaders } from './platform/middleware/identity-headers.ts';
import { requestId } from './platform/middleware/request-id.ts';
import { securityHeaders } from './platform/middleware/security-headers.ts';
import { services } from './platform/middleware/services.ts';
import { agentDownloads } from './releases/download-routes.ts';
import { install } from './releases/install-routes.ts';
import { releases } from './releases/routes.ts';
import { simRpc, simRpcPrefix } from './simulations/connect.ts';
import { simulationRoutes } from './simulations/routes.ts';
import { stackkitCatalog, stackkitTools, validateRoute } from './stackkits/routes.ts';
import { orchestratorRpc, orchestratorRpcPrefix } from './stacks/connect.ts';
import { nodes } from './stacks/node-routes.ts';
import { stacks } from './stacks/routes.ts';
import { workflows } from './stacks/workflow-routes.ts';
import { stateCredentials, tofuState, tofuStateInternal } from './tofu-state/routes.ts';
import { workerActions } from './workers/action-routes.ts';
import { agentRpc, agentRpcPrefix } from './workers/agent-rpc-routes.ts';
import { enrollmentTokens } from './workers/enrollment-token-routes.ts';
import { workerMetrics } from './workers/metrics-routes.ts';
import { workers } from './workers/routes.ts';
import { workerUpgrade } from './workers/upgrade-routes.ts';

export const app = new Hono<AppEnv>();

// The chain, in order: request id → strip spoofable identity headers → security headers → per-request services → CORS →
// (per route group) the gate: auth + rate limit. A gate on `/x/*` covers `/x` too (Hono), so one per group.
// Benchmark probe (BENCH_ROUTES=1 only): registered before any middleware, so it answers with none.
app.get('/_bench/bare', (c) => (benchRoutesEnabled(c.env) ? c.json({ ok: true }) : c.body(null, 404)));

app.use('*', requestId);
app.use('*', stripIdentityHeaders);
app.use('*', securityHeaders);
app.use('*', services);
app.use('*', cors);
app.use('/v1/orchestrator/*', gate(operatorRoles, 'orchestrator'));
app.use('/kombify.orchestrator.v1.OrchestratorService/*', gate(operatorRoles, 'orchestrator'));
app.use('/api/me/*', gate(anyRole, 'account'));
app.use('/api/org/*', gate(anyRole, 'account'));
app.use('/api/v1/feature-flags/*', gate(platformAdmin, 'admin'));
app.use('/api/v1/audit-log', gate(platformAdmin, 'admin'));
for (const path of ['/api/v1/tools/*', '/api/v1/categories/*', '/api/v1/patterns/*']) {
  app.use(path, gate(platformAdmin, 'admin'));
}
// Users admin; an impersonated session may end itself (the handler checks).
const adminGate = gate(platformAdmin, 'admin');
const accountGate = gate(anyRole, 'account');
app.use('/api/v1/users/*', (c, next) =>
  c.req.path === endImpersonationPath ? accountGate(c, next) : adminGate(c, next),
);
app.use('/api/internal/users/*', adminGate);
app.use('/api/v1/billing/*', adminGate);
app.use('/api/v1/discovery/*', adminGate);
app.use('/api/tools', gate(anyRole, 'account'));
app.use('/api/dashboard', gate(anyRole, 'account'));
app.use('/api/internal/feature-flags/*', gate(platformAdmin, 'admin'));
app.use('/v1/stackkits/validate', gate(anyRole, 'stackkits'));
app.use('/v1/stackkits/generate', gate(anyRole, 'stackkits'));
app.use('/api/billing/plan', gate(anyRole, 'account'));
app.use('/api/billing/checkout', gate(anyRole, 'account'));
app.use('/api/billing/portal', gate(anyRole, 'account'));
app.use('/api/keys/*', gate(keyManagerRoles, 'account'));
app.use('/api/internal/tofu-state/*', gate(platformAdmin, 'admin'));
// KombiSim: every role reads; writes need member or above (checked in edge/src/simulations/service.ts).
for (const [path] of simulationRoutes) app.use(`${path}/*`, gate(anyRole, 'simulation'));
app.use(`${simRpcPrefix}/*`, gate(anyRole, 'simulation'));

app.use('/_bench/chain', gate(anyRole, 'bench'));
app.get('/_bench/chain', (c) => (c.get('config').BENCH_ROUTES ? c.json({ ok: true }) : c.body(null, 404)));

app.route('/', health);
app.route('/auth', auth);
app.route('/api/me', account);
app.route('/api/keys', apiKeys);
app.route('/api/org', org);
app.route('/api/v1/feature-flags', featureFlagsAdmin);
app.route('/api/v1/audit-log', auditAdmin);
app.route('/api/v1/tools', toolsAdmin);
app.route('/api/v1/categories', categoriesAdmin);
app.route('/api/v1/patterns', patternsAdmin);
app.route('/api/tools', toolsLauncher);
app.route('/api/dashboard', dashboard);
app.route('/api/internal/feature-flags', featureFlagsInternal);
app.route('/api/v1/users', usersAdmin);
app.route('/api/internal/users', usersInternal);
app.route('/api/v1/billing', billingAdmin);
app.route('/api/v1/discovery', discoveryAdmin);
app.route('/v1/stackkits', stackkitTools);
app.route('/v1/stackkits', stackkitCatalog);
app.post('/v1/orchestrator/unifier/validate', validateRoute);
app.route('/api/billing/webhook', billingWebhook);
app.route('/api/billing', billing);
app.route('/api/internal/sso', sso);
app.route(agentRpcPrefix, agentRpc);
app.route('/v1/orchestrator/enrollment-tokens', enrollmentTokens);
app.route('/v1/orchestrator/workers', workerMetrics);
app.route('/v1/orchestrator/workers', workers);
app.route('/v1/orchestrator/jobs', jobs);
app.route('/v1/orchestrator/stacks', stacks);
app.route('/v1/orchestrator/workflows', workflows);
app.route(orchestratorRpcPrefix, orchestratorRpc);
app.route('/v1/orchestrator/nodes', nodes);
app.route('/v1/orchestrator/workers', workerActions);
// The installer one-liner, what it downloads, and how releases get there.
app.route('/', install);
app.route('/agent', agentDownloads);
app.route('/api/internal/releases', releases);
app.route('/v1/orchestrator/workers', workerUpgrade);
// OpenTofu state: the HTTP backend (its own auth: state credentials or operator keys), credentials, claims.
app.route('/v1/tofu-state', tofuState);
app.route('/v1/orchestrator/stacks', stateCredentials);
app.route('/api/internal/tofu-state', tofuStateInternal);
for (const [path, routes] of simulationRoutes) app.route(path, routes);
app.route(simRpcPrefix, simRpc);

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
