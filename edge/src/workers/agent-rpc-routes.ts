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
import { clientAddress, rememberAccepted, spendUnverified } from '../platform/unverified-budget.ts';
import { bearerToken, precheckAgentToken } from './agent-token.ts';
import { enroll } from './enroll.ts';

export const agentRpcPrefix = `/${AgentService.typeName}`;

/** A refusal for every method: the call never reaches an object. */
const refuse =
  (message: string, code = Code.Unauthenticated) =>
  (): never => {
    throw new ConnectError(message, code);
  };

export const agentRpc = new Hono<AppEnv>();

agentRpc.post('/:method', async (c) => {
  const method = c.req.param('method');
  let refusal = 'agent token required (Authorization: Bearer <token>)';
  let code = Code.Unauthenticated;
  if (method !== 'Enroll') {
    const token = bearerToken(c.req.header('authorization'));
    // Cheap checks first, then the caller's budget for agents not seen accepted: only then is
    // the agent's object (its tables, a Postgres lookup) touched (issue 20, M7).
    const checked = token ? precheckAgentToken(token) : null;
    if (checked?.ok) {
      const credential = `agent:${checked.agentId}`;
      const budget = spendUnverified(
        clientAddress(c.req.raw.headers),
        credential,
        c.get('config').UNVERIFIED_PER_IP_PER_MINUTE,
      );
      if (budget.allowed) {
        const res = await agentQueue(c.env, checked.agentId).fetch(c.req.raw);
        // A unary call answers 200 only once its token was verified; a stream's refusal comes
        // in its last message, so only unary answers teach the budget.
        if (res.status === 200 && method !== 'ReceiveJobs') rememberAccepted(credential);
        // A Durable Object's response has immutable headers; the security-headers middleware
        // sets headers on every response, so hand it a copy (the body still streams through).
        return new Response(res.body, res);
      }
      refusal = `too many unrecognised agent tokens from your address; retry in ${budget.retryAfterSeconds} s`;
      code = Code.ResourceExhausted;
    } else if (checked) refusal = checked.reason;
  }
  const refused = refuse(refusal, code);
  return serveConnect(c.req.raw, (router) =>
    router.service(AgentService, {
      enroll: (req) => enroll(req, c.get('db')(), c.get('config')),
      receiveJobs: async function* () {
        yield refused();
      },
      reportProgress: refused,
      appendLogs: refused,
      completeJob: refused,
      heartbeat: refused,
      fetchJobSecrets: refused,
    }),
  );
});
