/** The org secret store's HTTP surface (each route carries its own gate). */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import { secretRoutes } from './routes.ts';

export const secretsApi = new Hono<AppEnv>().route('/v1/orchestrator/secrets', secretRoutes);
