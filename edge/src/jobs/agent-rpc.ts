/**
 * The agent's calls, served inside its Durable Object over the Connect protocol (HTTP/1.1), so
 * the job stream lives where the job queue lives. Enroll is not here: it runs in the Worker,
 * before an agent has an object.
 */
import type { JsonObject } from '@bufbuild/protobuf';
import { timestampDate, timestampFromMs } from '@bufbuild/protobuf/wkt';
import type { ConnectRouter } from '@connectrpc/connect';
import { AgentService, LogStream, type NodeFacts } from '@kombify/proto/agent/v1';
import { connectHandler } from '../platform/connect.ts';
import type { NodeFactsRecord } from '../platform/db/schema.ts';
import type { AgentObject } from './agent-object.ts';

const logStreamNames: Record<LogStream, string> = {
  [LogStream.UNSPECIFIED]: 'stdout',
  [LogStream.STDOUT]: 'stdout',
  [LogStream.STDERR]: 'stderr',
  [LogStream.SYSTEM]: 'system',
};

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
        const identity = await agent.authenticate(ctx.requestHeader);
        const stream = await agent.openStream(identity);
        try {
          yield* stream.events({ ...agent.streamSettings(), signal: ctx.signal });
        } finally {
          await agent.closeStream(stream, identity.agentId);
        }
      },
      reportProgress: async (req, ctx) => {
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
      },
      appendLogs: async (req, ctx) => {
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
      },
      completeJob: async (req, ctx) => {
        const identity = await agent.authenticate(ctx.requestHeader);
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
        return agent.completeJob(req.jobId, req.leaseId, outcome, identity);
      },
      fetchJobSecrets: async (req, ctx) => {
        const identity = await agent.authenticate(ctx.requestHeader);
        return { values: await agent.fetchJobSecrets(identity, req.jobId, req.leaseId) };
      },
      heartbeat: async (req, ctx) => {
        const identity = await agent.authenticate(ctx.requestHeader);
        const facts = req.facts ? factsRecord(req.facts) : null;
        const interval = await agent.heartbeat(
          identity,
          facts,
          req.facts?.agentVersion ?? '',
          req.goingOffline,
        );
        return { serverTime: timestampFromMs(Date.now()), heartbeatIntervalSeconds: interval };
      },
    });
}

/** The Connect handlers, built once per object, serving a fetch Request. */
const servers = new WeakMap<AgentObject, (request: Request) => Promise<Response>>();

export function handleAgentRpc(request: Request, agent: AgentObject): Promise<Response> {
  let serve = servers.get(agent);
  if (!serve) {
    serve = connectHandler(routes(agent));
    servers.set(agent, serve);
  }
  return serve(request);
}
