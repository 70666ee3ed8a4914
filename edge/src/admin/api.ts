/** The admin center: feature flags, the audit log, and users (platform admins only). */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import { auditAdmin, featureFlagsAdmin, featureFlagsInternal } from './flag-routes.ts';
import { usersInternal } from './user-internal-routes.ts';
import { usersAdmin } from './user-routes.ts';

export const adminApi = new Hono<AppEnv>()
  .route('/api/v1/feature-flags', featureFlagsAdmin)
  .route('/api/v1/audit-log', auditAdmin)
  .route('/api/internal/feature-flags', featureFlagsInternal)
  .route('/api/v1/users', usersAdmin)
  .route('/api/internal/users', usersInternal);
export { adminRouteDocs } from './route-docs.ts';
