/** The platform's own routes: `/health` and `/ready`, without auth. */
import { Hono } from 'hono';
import type { AppEnv } from './env.ts';
import { health } from './health.ts';

export const platformApi = new Hono<AppEnv>().route('/', health);
export { platformRouteDocs } from './route-docs.ts';
