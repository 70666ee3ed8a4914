/**
 * Accounts: sign-in and sessions (OIDC), the caller's own account, orgs and members, API keys,
 * and the SSO exchange. Each route group carries its gate; `/auth` and the SSO exchange are
 * where a caller becomes signed in, so they have none.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import { apiKeys } from './api-key-routes.ts';
import { auth } from './auth-routes.ts';
import { benchProbe, benchRevoke } from './bench-probe.ts';
import { account } from './me-routes.ts';
import { org } from './org-routes.ts';
import { sso } from './sso-routes.ts';

export const accountsApi = new Hono<AppEnv>()
  .route('/auth', auth)
  .route('/api/me', account)
  .route('/api/keys', apiKeys)
  .route('/api/org', org)
  .route('/api/internal/sso', sso)
  .route('/_bench/chain', benchProbe)
  .route('/_bench/revoke', benchRevoke);
export { accountsRouteDocs } from './route-docs.ts';
