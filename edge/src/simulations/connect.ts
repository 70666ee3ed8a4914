/**
 * KombiSim over ConnectRPC (`kombify.sim.v1.SimulationService`). Each call is turned into the
 * REST API's JSON input (proto field names are the REST field names), checked by the same zod
 * schemas and run by the same functions in edge/src/simulations/service.ts; the JSON views come back as
 * messages. Authentication is the REST gate, on this sub-app too.
 */
import { type DescMessage, fromJson, type JsonValue, type MessageShape, toJson } from '@bufbuild/protobuf';
import type { ServiceImpl } from '@connectrpc/connect';
import {
  ApplyTemplateRequestSchema,
  CreateSimulationRequestSchema,
  NodeSchema,
  NodeSpecSchema,
  SimulationSchema,
  SimulationService,
  TemplateSchema,
} from '@kombify/proto/sim/v1';
import { type Context, Hono } from 'hono';
import { anyRole, gate } from '../accounts/index.ts';
import { serveConnect } from '../platform/connect.ts';
import type { AppEnv } from '../platform/env.ts';
import { checkBody, connectPage } from '../platform/validate.ts';
import { type SimContext, simContext } from './context.ts';
import * as sim from './service.ts';

export const simRpcPrefix = `/${SimulationService.typeName}`;

/** The request as the REST API's JSON body (snake_case, unset fields left out). */
const asJson = <D extends DescMessage>(desc: D, msg: MessageShape<D>) =>
  toJson(desc, msg, { useProtoFieldName: true }) as Record<string, unknown>;
const out = <D extends DescMessage>(desc: D, view: unknown) =>
  fromJson(desc, view as JsonValue, { ignoreUnknownFields: true });
const simulation = (view: unknown) => ({ simulation: out(SimulationSchema, view) });
const node = (view: unknown) => ({ node: out(NodeSchema, view) });

function service(ctx: SimContext): ServiceImpl<typeof SimulationService> {
  return {
    listSimulations: async (req) => {
      const { data, total } = await sim.listSimulationsView(ctx, connectPage(req));
      return { simulations: data.map((v) => out(SimulationSchema, v)), total };
    },
    getSimulation: async (req) => simulation(await sim.getSimulationView(ctx, req.id)),
    createSimulation: async (req) =>
      simulation(
        await sim.createSimulation(
          ctx,
          checkBody(sim.createSimulationSchema, asJson(CreateSimulationRequestSchema, req)),
        ),
      ),
    deleteSimulation: async (req) => simulation(await sim.deleteSimulation(ctx, req.id)),
    startSimulation: async (req) => simulation(await sim.startSimulation(ctx, req.id)),
    stopSimulation: async (req) => simulation(await sim.stopSimulation(ctx, req.id)),
    listNodes: async (req) => {
      if (req.simulationId) {
        const nodes = await sim.listSimulationNodesView(ctx, req.simulationId);
        return { nodes: nodes.map((v) => out(NodeSchema, v)), total: nodes.length };
      }
      const { data, total } = await sim.listNodesView(ctx, connectPage(req));
      return { nodes: data.map((v) => out(NodeSchema, v)), total };
    },
    getNode: async (req) => node(await sim.getNodeView(ctx, req.id)),
    createNode: async (req) => {
      // The REST body is flat: the node's fields next to simulation_id.
      const body = req.node ? asJson(NodeSpecSchema, req.node) : {};
      const input = checkBody(sim.createNodeSchema, {
        ...body,
        simulation_id: req.simulationId,
        ...(req.autoStart !== undefined ? { auto_start: req.autoStart } : {}),
        ssh_public_keys: req.sshPublicKeys,
      });
      return node(await sim.createNode(ctx, input));
    },
    deleteNode: async (req) => node(await sim.deleteNode(ctx, req.id)),
    startNode: async (req) => node(await sim.startNode(ctx, req.id)),
    stopNode: async (req) => node(await sim.stopNode(ctx, req.id)),
    getNodeSsh: async (req) => {
      const ssh = await sim.nodeSsh(ctx, req.id);
      return {
        host: ssh.host,
        port: ssh.port,
        user: ssh.user,
        password: ssh.password ?? '',
        command: ssh.command,
      };
    },
    getNodeLogs: async (req) => {
      const logs = await sim.nodeLogs(ctx, req.id, Math.min(5000, Math.max(1, req.tail || 200)));
      return { lines: logs.lines };
    },
    listTemplates: async () => ({ templates: sim.listTemplatesView().map((v) => out(TemplateSchema, v)) }),
    getTemplate: async (req) => ({ template: out(TemplateSchema, sim.getTemplateView(req.name)) }),
    applyTemplate: async (req) => {
      const { name, ...body } = asJson(ApplyTemplateRequestSchema, req);
      return simulation(
        await sim.applyTemplate(ctx, String(name ?? ''), checkBody(sim.applyTemplateSchema, body)),
      );
    },
  };
}

export const simRpc = new Hono<AppEnv>();
simRpc.use(gate(anyRole, 'simulation'));

simRpc.post('/:method', (c: Context<AppEnv>) =>
  serveConnect(c.req.raw, (router) => router.service(SimulationService, service(simContext(c)))),
);
