/**
 * The Connect client for the edge's AgentService: Connect protocol over HTTP/1.1 (it passes any
 * proxy and `wrangler dev`), with the agent's short-lived token on every call.
 */
import { type Client, createClient, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { AgentService } from '@kombify/proto/agent/v1';

export type AgentClient = Client<typeof AgentService>;

export function createAgentClient(edgeUrl: string, token?: () => Promise<string>): AgentClient {
  const auth: Interceptor = (next) => async (req) => {
    if (token) req.header.set('Authorization', `Bearer ${await token()}`);
    return next(req);
  };
  const transport = createConnectTransport({
    baseUrl: edgeUrl,
    httpVersion: '1.1',
    interceptors: [auth],
    // Unary calls must not hang forever on a half-dead connection.
    defaultTimeoutMs: 30_000,
  });
  return createClient(AgentService, transport);
}
