/**
 * The agent service endpoint in the Worker. Enroll runs here; every other call is routed to the
 * calling agent's Durable Object, chosen by the agent id in its token (the object verifies the
 * token itself). Calls that cannot be routed get a proper Connect error from the same router.
 */
import { Code, ConnectError } from '@connectrpc/connect';
import { AgentService } from '@kombify/proto/agent/v1';
import { Hono } from 'hono';
import { agentQueue } from '../jobs/index.ts';
import { serveConnect } from '../platform/connect.ts';
import type { AppEnv } from '../platform/env.ts';
import { agentIdFromToken, bearerToken } from './agent-token.ts';
import { enroll } from './enroll.ts';

export const agentRpcPrefix = `/${AgentService.typeName}`;

function unroutable(): never {
  throw new ConnectError('agent token required (Authorization: Bearer <token>)', Code.Unauthenticated);
}

export const agentRpc = new Hono<AppEnv>();

agentRpc.post('/:method', async (c) => {
  const method = c.req.param('method');
  if (method !== 'Enroll') {
    const token = bearerToken(c.req.header('authorization'));
    const agentId = token ? agentIdFromToken(token) : null;
    if (agentId) {
      // A Durable Object's response has immutable headers; the security-headers middleware
      // sets headers on every response, so hand it a copy (the body still streams through).
      const res = await agentQueue(c.env, agentId).fetch(c.req.raw);
      return new Response(res.body, res);
    }
  }
  return serveConnect(c.req.raw, (router) =>
    router.service(AgentService, {
      enroll: (req) => enroll(req, c.get('db')(), c.get('config')),
      receiveJobs: async function* () {
        yield unroutable();
      },
      reportProgress: unroutable,
      appendLogs: unroutable,
      completeJob: unroutable,
      heartbeat: unroutable,
    }),
  );
});
