/**
 * How the rest of the edge reaches a worker's AgentObject: a stub typed from the class, so its RPC
 * surface is the class's own and cannot drift. The class is a type import, so importing this
 * module never loads the Durable Object's code: the StackObject dispatches jobs through it
 * without importing the AgentObject.
 */
import type { Env } from '../platform/env.ts';
import type { AgentObject } from './agent-object.ts';

export type AgentQueue = DurableObjectStub<AgentObject>;

export function agentQueue(env: Env, agentId: string): AgentQueue {
  return env.AGENTS.get(env.AGENTS.idFromName(agentId));
}
