/**
 * How an agent's object reaches the status writer for that agent: a few AgentStatusObjects share
 * the agents by a hash of the id. A module of its own, so the rest of the edge can reach the writer
 * without loading the Durable Object's module.
 */
import type { Env } from '../../platform/env.ts';
import type { AgentStatusObject } from './agent-status-object.ts';

/** Writers per edge: enough to spread the writes, few enough to keep Postgres connections low. */
export const STATUS_SHARDS = 4;

/** The writer for an agent's status. */
export function agentStatus(env: Env, agentId: string): DurableObjectStub<AgentStatusObject> {
  let hash = 0;
  for (let i = 0; i < agentId.length; i++) hash = (hash * 31 + agentId.charCodeAt(i)) >>> 0;
  return env.AGENT_STATUS.get(env.AGENT_STATUS.idFromName(`status-${hash % STATUS_SHARDS}`));
}
