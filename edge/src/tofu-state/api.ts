/**
 * The OpenTofu state backend: the HTTP backend OpenTofu talks to (its own auth: state credentials
 * or operator keys), state credentials per stack, and the admins' claims view.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import { stateCredentials, tofuState, tofuStateInternal } from './routes.ts';

export const tofuStateApi = new Hono<AppEnv>()
  .route('/v1/tofu-state', tofuState)
  .route('/v1/orchestrator/stacks', stateCredentials)
  .route('/api/internal/tofu-state', tofuStateInternal);
export { tofuStateRouteDocs } from './route-docs.ts';
