/**
 * Workers (the API's name for agents): the agent service they dial (enrolment here, the rest in
 * the agent's object), enrolment tokens, status and metrics, approval and pre-checks, upgrades,
 * and the containers kombify manages on each worker.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import { workerActions } from './action-routes.ts';
import { agentRpc, agentRpcPrefix } from './agent-rpc-routes.ts';
import { containers } from './container-routes.ts';
import { enrollmentTokens } from './enrollment-token-routes.ts';
import { workerMetrics } from './metrics-routes.ts';
import { workers } from './routes.ts';
import { workerUpgrade } from './upgrade-routes.ts';

export const workersApi = new Hono<AppEnv>()
  .route(agentRpcPrefix, agentRpc)
  .route('/v1/orchestrator/enrollment-tokens', enrollmentTokens)
  .route('/v1/orchestrator/workers', workerMetrics)
  .route('/v1/orchestrator/workers', workers)
  .route('/v1/orchestrator/workers', workerActions)
  .route('/v1/orchestrator/workers', workerUpgrade)
  .route('/v1/orchestrator/workers', containers);
export { workersRouteDocs } from './route-docs.ts';
