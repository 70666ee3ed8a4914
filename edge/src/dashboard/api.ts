/** `GET /api/dashboard`: everything the web dashboard shows, in one answer. */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import { dashboard } from './routes.ts';

export const dashboardApi = new Hono<AppEnv>().route('/api/dashboard', dashboard);
export { dashboardRouteDocs } from './route-docs.ts';
