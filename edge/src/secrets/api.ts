/** The org secret store's HTTP surface: the REST routes and the Connect SecretService (each carries its own gate). */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import { secretRpc, secretRpcPrefix } from './connect.ts';
import { secretRoutes } from './routes.ts';

export const secretsApi = new Hono<AppEnv>()
  .route('/v1/orchestrator/secrets', secretRoutes)
  .route(secretRpcPrefix, secretRpc);
export { secretsRouteDocs } from './route-docs.ts';
