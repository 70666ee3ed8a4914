/** Agent releases: the installer one-liner, what it downloads, and how releases get there. */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import { agentDownloads } from './download-routes.ts';
import { install } from './install-routes.ts';
import { releases } from './routes.ts';

export const releasesApi = new Hono<AppEnv>()
  .route('/', install)
  .route('/agent', agentDownloads)
  .route('/api/internal/releases', releases);
export { releasesRouteDocs } from './route-docs.ts';
