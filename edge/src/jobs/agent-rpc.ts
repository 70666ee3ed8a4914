/**
 * The agent's calls, served inside its Durable Object over the Connect protocol (HTTP/1.1), so
 * the job stream lives where the job queue lives. Enroll is not here: it runs in the Worker,
 * before an agent has an object.
 */
import type { JsonObject } from '@bufbuild/protobuf';
import { timestampDate, timestampFromMs } from '@bufbuild/protobuf/wkt';
import { type ConnectRouter, createConnectRouter } from '@connectrpc/connect';
import type { UniversalHandler } from '@connectrpc/connect/protocol';
import {
  universalServerRequestFromFetch,
  universalServerResponseToFetch,
} from '@connectrpc/connect/protocol';
import { AgentService, LogStream, type NodeFacts } from '@kombify/proto/agent/v1';
import type { NodeFactsRecord } from '../platform/db/schema.ts';
import { toConnectError } from '../platform/errors.ts';
import type { AgentObject } from './agent-object.ts';

const logStreamNames: Record<LogStream, string> = {
  [LogStream.UNSPECIFIED]: 'stdout',
  [LogStream.STDOUT]: 'stdout',
  [LogStream.STDERR]: 'stderr',
  [LogStream.SYSTEM]: 'system',
};

/** Wraps a handler body so every error leaves as a ConnectError with the mapped code. */
async function mapped<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toConnectError(error);
  }
}

export function factsRecord(facts: NodeFacts | undefined): NodeFactsRecord {
  if (!facts) return {};
  return {
    hostname: facts.hostname,
    os: facts.os,
    os_release: facts.osRelease,
    arch: facts.arch,
    cpu_count: facts.cpuCount,
    cpu_model: facts.cpuModel,
    memory_total_bytes: Number(facts.memoryTotalBytes),
    memory_free_bytes: Number(facts.memoryFreeBytes),
    disk_total_bytes: Number(facts.diskTotalBytes),
    disk_free_bytes: Number(facts.diskFreeBytes),
    load_average_1m: facts.loadAverage1m,
    docker_version: facts.dockerVersion,
    tofu_version: facts.tofuVersion,
    tofu_binary: facts.tofuBinary,
    agent_version: facts.agentVersion,
    uptime_seconds: Number(facts.uptimeSeconds),
  };
}

function routes(agent: AgentObject) {
  return (router: ConnectRouter) =>
    router.service(AgentService, {
      async *receiveJobs(_req, ctx) {
        const identity = await mapped(() => agent.authenticate(ctx.requestHeader));
        const stream = await mapped(() => agent.openStream(identity));
        try {
          yield* stream.events({ ...agent.streamSettings(), signal: ctx.signal });
        } finally {
          await agent.closeStream(stream, identity.agentId);
        }
      },
      reportProgress: (req, ctx) =>
        mapped(async () => {
          await agent.authenticate(ctx.requestHeader);
          const out = agent.reportProgress(
            req.jobId,
            req.leaseId,
            req.message,
            req.percent >= 0 ? req.percent : null,
          );
          return {
            cancelled: out.cancelled,
            leaseExpiresAt: out.leaseExpiresAt === null ? undefined : timestampFromMs(out.leaseExpiresAt),
          };
        }),
      appendLogs: (req, ctx) =>
        mapped(async () => {
          await agent.authenticate(ctx.requestHeader);
          const stored = agent.appendLogs(
            req.jobId,
            req.leaseId,
            req.lines.map((l) => ({
              seq: Number(l.seq),
              at: l.time ? timestampDate(l.time).getTime() : Date.now(),
              stream: logStreamNames[l.stream],
              text: l.text,
            })),
          );
          return { storedThroughSeq: BigInt(stored) };
        }),
      completeJob: (req, ctx) =>
        mapped(async () => {
          await agent.authenticate(ctx.requestHeader);
          const outcome =
            req.outcome.case === 'result'
              ? { kind: 'result' as const, result: req.outcome.value as JsonObject }
              : req.outcome.case === 'error'
                ? {
                    kind: 'error' as const,
                    code: req.outcome.value.code || 'agent_error',
                    message: req.outcome.value.message || 'the agent reported an error without a message',
                    retryable: req.outcome.value.retryable,
                  }
                : {
                    kind: 'error' as const,
                    code: 'no_outcome',
                    message: 'the agent reported no outcome',
                    retryable: false,
                  };
          return agent.completeJob(req.jobId, req.leaseId, outcome);
        }),
      heartbeat: (req, ctx) =>
        mapped(async () => {
          const identity = await agent.authenticate(ctx.requestHeader);
          const facts = req.facts ? factsRecord(req.facts) : null;
          const interval = await agent.heartbeat(
            identity,
            facts,
            req.facts?.agentVersion ?? '',
            req.goingOffline,
          );
          return { serverTime: timestampFromMs(Date.now()), heartbeatIntervalSeconds: interval };
        }),
    });
}

/** Builds the Connect handlers once per object and serves a fetch Request with them. */
const handlersByObject = new WeakMap<AgentObject, Map<string, UniversalHandler>>();

export async function handleAgentRpc(request: Request, agent: AgentObject): Promise<Response> {
  let handlers = handlersByObject.get(agent);
  if (!handlers) {
    const router = createConnectRouter();
    routes(agent)(router);
    handlers = new Map(router.handlers.map((h) => [h.requestPath, h]));
    handlersByObject.set(agent, handlers);
  }
  const handler = handlers.get(new URL(request.url).pathname);
  if (!handler) return new Response('not found', { status: 404 });
  const response = await handler(universalServerRequestFromFetch(request, {}));
  return universalServerResponseToFetch(response);
}
