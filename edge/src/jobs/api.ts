/** The job API: jobs sent to one worker (`/v1/orchestrator/jobs`). */ import { Hono } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import { jobs } from './routes.ts';

export const jobsApi = new Hono<AppEnv>().route('/v1/orchestrator/jobs', jobs);
export { jobsRouteDocs } from './route-docs.ts';
