/**
 * StackKits over HTTP: the app catalog, the compose import, the kit catalog and schemas, validate
 * and generate, and the Unifier's validate.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import { appCatalog } from './app-routes.ts';
import { composeImport } from './import-routes.ts';
import { stackkitCatalog, unifier } from './routes.ts';

// The app catalog first: `/v1/stackkits/apps` would otherwise be taken for a kit named "apps".
export const stackkitsApi = new Hono<AppEnv>()
  .route('/v1/stackkits', appCatalog)
  .route('/v1/stackkits', composeImport)
  .route('/v1/stackkits', stackkitCatalog)
  .route('/v1/orchestrator/unifier', unifier);
export { stackkitsRouteDocs } from './route-docs.ts';
