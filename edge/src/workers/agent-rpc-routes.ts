/**
 * The agent service endpoint in the Worker. Enroll runs here; every other call is routed to the
 * calling agent's Durable Object, chosen by the agent id in its token (the object verifies the
 * token itself). Calls that cannot be routed get a proper Connect error from the same router.
 */
import { Code, ConnectError, createConnectRouter } from '@connectrpc/connect';
import {
  type UniversalHandler,
  universalServerRequestFromFetch,
  universalServerResponseToFetch,
} from '@connectrpc/connect/protocol';
import { AgentService } from '@kombify/proto/agent/v1';
import { Hono } from 'hono';
import { agentQueue } from '../jobs/agent-queue.ts';
import type { AppEnv } from '../platform/env.ts';
import { toConnectError } from '../platform/errors.ts';
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
  const router = createConnectRouter();
  router.service(AgentService, {
    enroll: async (req) => {
      try {
        return await enroll(req, c.get('db')(), c.get('config'));
      } catch (error) {
        throw toConnectError(error);
      }
    },
    receiveJobs: async function* () {
      yield unroutable();
    },
    reportProgress: unroutable,
    appendLogs: unroutable,
    completeJob: unroutable,
    heartbeat: unroutable,
  });
  const handler = router.handlers.find(
    (h: UniversalHandler) => h.requestPath === new URL(c.req.url).pathname,
  );
  if (!handler) return c.json({ code: 'unimplemented', message: `no method ${method}` }, 404);
  return universalServerResponseToFetch(await handler(universalServerRequestFromFetch(c.req.raw, {})));
});
