/** The tool catalog (tools, categories, patterns), the launcher's tool list, and discovery runs. */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import { discoveryAdmin } from './discovery-routes.ts';
import { categoriesAdmin, patternsAdmin, toolsAdmin, toolsLauncher } from './routes.ts';

export const catalogApi = new Hono<AppEnv>()
  .route('/api/v1/tools', toolsAdmin)
  .route('/api/v1/categories', categoriesAdmin)
  .route('/api/v1/patterns', patternsAdmin)
  .route('/api/tools', toolsLauncher)
  .route('/api/v1/discovery', discoveryAdmin);
export { catalogRouteDocs } from './route-docs.ts';
