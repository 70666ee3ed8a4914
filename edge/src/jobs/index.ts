/** Jobs: the AgentObject (one per agent: its job queue and stream) and the job API. */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import { jobs } from './routes.ts';

export const jobsApi = new Hono<AppEnv>().route('/v1/orchestrator/jobs', jobs);
