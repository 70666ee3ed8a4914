/**
 * KombiSim over REST (CONTRACTS.md): /api/v1/simulations, /api/v1/nodes, /api/v1/templates, also
 * under the gateway prefix /v1/simulation/. Thin handlers: the work is in edge/src/simulations/service.ts,
 * which the Connect service calls too. Objects come back as they are; lists as {data, pagination}.
 */
import { type Context, Hono } from 'hono';
import { anyRole, gate } from '../accounts/index.ts';
import type { AppEnv } from '../platform/env.ts';
import { readJson, readPage } from '../platform/validate.ts';
import { simContext } from './context.ts';
import * as sim from './service.ts';

const id = (c: Context<AppEnv>) => c.req.param('id') ?? '';

export const simulationsApi = new Hono<AppEnv>();
simulationsApi.use(gate(anyRole, 'simulation'));
simulationsApi.get('/', async (c) => {
  const page = readPage(c);
  const { data, total } = await sim.listSimulationsView(simContext(c), page);
  return c.json({ data, pagination: { page: page.page, per_page: page.perPage, total } });
});
simulationsApi.post('/', async (c) =>
  c.json(await sim.createSimulation(simContext(c), await readJson(c, sim.createSimulationSchema)), 201),
);
simulationsApi.get('/:id', async (c) => c.json(await sim.getSimulationView(simContext(c), id(c))));
simulationsApi.delete('/:id', async (c) => c.json(await sim.deleteSimulation(simContext(c), id(c))));
simulationsApi.post('/:id/start', async (c) => c.json(await sim.startSimulation(simContext(c), id(c))));
simulationsApi.post('/:id/stop', async (c) => c.json(await sim.stopSimulation(simContext(c), id(c))));
simulationsApi.get('/:id/nodes', async (c) =>
  c.json({ data: await sim.listSimulationNodesView(simContext(c), id(c)) }),
);

export const nodesApi = new Hono<AppEnv>();
nodesApi.use(gate(anyRole, 'simulation'));
nodesApi.get('/', async (c) => {
  const page = readPage(c);
  const { data, total } = await sim.listNodesView(simContext(c), page);
  return c.json({ data, pagination: { page: page.page, per_page: page.perPage, total } });
});
nodesApi.post('/', async (c) =>
  c.json(await sim.createNode(simContext(c), await readJson(c, sim.createNodeSchema)), 201),
);
nodesApi.get('/:id', async (c) => c.json(await sim.getNodeView(simContext(c), id(c))));
nodesApi.delete('/:id', async (c) => c.json(await sim.deleteNode(simContext(c), id(c))));
nodesApi.post('/:id/start', async (c) => c.json(await sim.startNode(simContext(c), id(c))));
nodesApi.post('/:id/stop', async (c) => c.json(await sim.stopNode(simContext(c), id(c))));
nodesApi.get('/:id/ssh', async (c) => c.json(await sim.nodeSsh(simContext(c), id(c))));
nodesApi.post('/:id/faults', async (c) =>
  c.json(await sim.injectFault(simContext(c), id(c), await readJson(c, sim.faultSchema))),
);
nodesApi.delete('/:id/faults', async (c) => c.json(await sim.healFaults(simContext(c), id(c))));
nodesApi.get('/:id/events', async (c) => c.json(await sim.nodeEvents(simContext(c), id(c))));
nodesApi.get('/:id/logs', async (c) => {
  const tail = Math.min(5000, Math.max(1, Number.parseInt(c.req.query('tail') ?? '200', 10) || 200));
  return c.json(await sim.nodeLogs(simContext(c), id(c), tail));
});

export const templatesApi = new Hono<AppEnv>();
templatesApi.use(gate(anyRole, 'simulation'));
templatesApi.get('/', (c) => c.json({ data: sim.listTemplatesView() }));
templatesApi.get('/:name', (c) => c.json(sim.getTemplateView(c.req.param('name'))));
templatesApi.post('/:name/apply', async (c) =>
  c.json(
    await sim.applyTemplate(simContext(c), c.req.param('name'), await readJson(c, sim.applyTemplateSchema)),
    201,
  ),
);

/** Where the three resources are served: the seed paths and the gateway prefix. */
export const simulationRoutes = [
  ['/api/v1/simulations', simulationsApi],
  ['/api/v1/nodes', nodesApi],
  ['/api/v1/templates', templatesApi],
  ['/v1/simulation/simulations', simulationsApi],
  ['/v1/simulation/nodes', nodesApi],
  ['/v1/simulation/templates', templatesApi],
] as const;
