/**
 * KombiSim: simulations, their nodes and templates over REST (the seed paths and the gateway
 * prefix serve the same routes) and over Connect.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../platform/env.ts';
import { simRpc, simRpcPrefix } from './connect.ts';
import { simulationRoutes } from './routes.ts';

export const simulationsApi = new Hono<AppEnv>();
for (const [path, routes] of simulationRoutes) simulationsApi.route(path, routes);
simulationsApi.route(simRpcPrefix, simRpc);

export { simulationsRouteDocs } from './route-docs.ts';
