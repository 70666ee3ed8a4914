/**
 * Stacks: the REST routes and the orchestrator's Connect service, workflows, nodes, and the
 * StackObject that runs a stack's workflows.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import { orchestratorRpc, orchestratorRpcPrefix } from './connect.ts';
import { nodes } from './node-routes.ts';
import { stacks } from './routes.ts';
import { secretUsageRoutes } from './secret-usage.ts';
import { workflows } from './workflow-routes.ts';

export const stacksApi = new Hono<AppEnv>()
  .route('/v1/orchestrator/stacks', stacks)
  .route('/v1/orchestrator/workflows', workflows)
  .route(orchestratorRpcPrefix, orchestratorRpc)
  .route('/v1/orchestrator/nodes', nodes)
  .route('/v1/orchestrator/secret-usage', secretUsageRoutes);
export { stacksRouteDocs } from './route-docs.ts';
