/**
 * The OpenTofu state backend: the HTTP backend OpenTofu talks to (its own auth: state credentials
 * or operator keys), state credentials per stack, and the admins' claims view. For the rest of the
 * edge: the backend settings a tofu.* job needs (`stateBackendFor`) and a stack's owner
 * (`stackOwner`, `claimStack`).
 */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import { stateCredentials, tofuState, tofuStateInternal } from './routes.ts';

export { STATE_USERNAME, stateAddress, stateBackendFor } from './backend-for.ts';
export { claimStack, isStackId, stackOwner } from './stack-owner.ts';

export const tofuStateApi = new Hono<AppEnv>()
  .route('/v1/tofu-state', tofuState)
  .route('/v1/orchestrator/stacks', stateCredentials)
  .route('/api/internal/tofu-state', tofuStateInternal);
