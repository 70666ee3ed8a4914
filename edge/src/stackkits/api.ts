/** StackKits over HTTP: the catalog and schemas, validate and generate, and the Unifier's validate. */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import { stackkitCatalog, unifier } from './routes.ts';

export const stackkitsApi = new Hono<AppEnv>()
  .route('/v1/stackkits', stackkitCatalog)
  .route('/v1/orchestrator/unifier', unifier);
