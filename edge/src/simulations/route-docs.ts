/**
 * KombiSim's routes for the OpenAPI document (api-docs): the same three resources under the seed
 * paths and the gateway prefix (routes.ts `simulationRoutes`), and the SimulationService.
 */
import * as api from '@kombify/proto/api';
import { SimulationService } from '@kombify/proto/sim/v1';
import { data, listOf, type RouteDoc, type RouteDocs } from '../platform/openapi/route-doc.ts';
import { applyTemplateSchema, createNodeSchema, createSimulationSchema, faultSchema } from './schemas.ts';

const simulations: Record<string, RouteDoc> = {
  'GET ': { summary: 'Your simulations', paged: true, response: listOf(api.simulation) },
  'POST ': {
    summary: 'A new simulation with its nodes',
    body: createSimulationSchema,
    status: 201,
    response: api.simulation,
    errors: ['RESOURCE_LIMIT', 'TEMPLATE_NOT_FOUND'],
  },
  'GET /:id': { summary: 'One simulation', response: api.simulation, errors: ['SIMULATION_NOT_FOUND'] },
  'DELETE /:id': { summary: 'Deletes a simulation and its nodes', errors: ['SIMULATION_NOT_FOUND'] },
  'POST /:id/start': {
    summary: 'Starts every node of a simulation',
    response: api.simulation,
    errors: ['SIMULATION_NOT_FOUND', 'ALREADY_RUNNING'],
  },
  'POST /:id/stop': {
    summary: 'Stops every node of a simulation',
    response: api.simulation,
    errors: ['SIMULATION_NOT_FOUND'],
  },
  'GET /:id/nodes': {
    summary: 'A simulation’s nodes',
    response: data(api.simNodeList),
    errors: ['SIMULATION_NOT_FOUND'],
  },
};

const nodes: Record<string, RouteDoc> = {
  'GET ': { summary: 'Your simulated nodes', paged: true, response: listOf(api.simNode) },
  'POST ': {
    summary: 'A new simulated node in a simulation',
    body: createNodeSchema,
    status: 201,
    response: api.simNode,
    errors: ['SIMULATION_NOT_FOUND', 'RESOURCE_LIMIT'],
  },
  'GET /:id': { summary: 'One node', response: api.simNode, errors: ['NODE_NOT_FOUND'] },
  'DELETE /:id': { summary: 'Deletes a node', errors: ['NODE_NOT_FOUND'] },
  'POST /:id/start': {
    summary: 'Starts a node',
    response: api.simNode,
    errors: ['NODE_NOT_FOUND', 'ALREADY_RUNNING'],
  },
  'POST /:id/stop': { summary: 'Stops a node', response: api.simNode, errors: ['NODE_NOT_FOUND'] },
  'GET /:id/ssh': {
    summary: 'How to reach the node over SSH',
    response: api.sshDetails,
    errors: ['NODE_NOT_FOUND'],
  },
  'POST /:id/faults': {
    summary: 'Injects a fault into a node',
    body: faultSchema,
    response: api.simFaultResult,
    errors: ['NODE_NOT_FOUND'],
  },
  'DELETE /:id/faults': {
    summary: 'Heals a node’s faults',
    response: api.simFaultResult,
    errors: ['NODE_NOT_FOUND'],
  },
  'GET /:id/events': { summary: 'A node’s events', response: api.simNodeEvents, errors: ['NODE_NOT_FOUND'] },
  'GET /:id/logs': {
    summary: 'A node’s log lines',
    queryText: { tail: 'how many lines (1–5000, default 200)' },
    errors: ['NODE_NOT_FOUND'],
  },
};

const templates: Record<string, RouteDoc> = {
  'GET ': { summary: 'The simulation templates', response: data(api.simTemplateList) },
  'GET /:name': { summary: 'One template', response: api.simTemplate, errors: ['TEMPLATE_NOT_FOUND'] },
  'POST /:name/apply': {
    summary: 'A new simulation from a template',
    body: applyTemplateSchema,
    status: 201,
    response: api.simulation,
    errors: ['TEMPLATE_NOT_FOUND', 'RESOURCE_LIMIT'],
  },
};

/** `'GET /:id'` under `prefix` → `'GET /api/v1/nodes/:id'`. */
function under(prefix: string, docs: Record<string, RouteDoc>): RouteDocs {
  return Object.fromEntries(
    Object.entries(docs).map(([key, doc]) => {
      const [method, rest = ''] = key.split(' ');
      return [`${method} ${prefix}${rest}`, doc];
    }),
  );
}

export const simulationsRouteDocs: RouteDocs = {
  ...under('/api/v1/simulations', simulations),
  ...under('/api/v1/nodes', nodes),
  ...under('/api/v1/templates', templates),
  ...under('/v1/simulation/simulations', simulations),
  ...under('/v1/simulation/nodes', nodes),
  ...under('/v1/simulation/templates', templates),
  'POST /kombify.sim.v1.SimulationService/:method': {
    service: SimulationService,
    summary: 'KombiSim over ConnectRPC: the same service functions as REST',
  },
};
