/**
 * The small interface handlers use to reach a worker's AgentObject. Handlers depend on this, not
 * on the Durable Object class, so its RPC surface stays explicit (and the deep RPC type
 * inference of stubs stays out of handler code).
 */
import type { Env } from '../platform/env.ts';
import type { EnqueueInput } from './agent-object.ts';
import type { JobRecord, LogLineRecord } from './job-store.ts';
import type { JobView } from './job-view.ts';

export interface AgentQueue {
  enqueue(input: EnqueueInput): Promise<JobView>;
  getJob(id: string): Promise<JobView | null>;
  cancelJob(id: string, reason: string): Promise<JobView | null>;
  jobLogs(id: string, afterSeq: number, limit?: number): Promise<LogLineRecord[]>;
  jobOutcome(id: string): Promise<Pick<JobRecord, 'status' | 'result' | 'error'> | null>;
  fetch(request: Request): Promise<Response>;
}

export function agentQueue(env: Env, agentId: string): AgentQueue {
  return env.AGENTS.get(env.AGENTS.idFromName(agentId)) as unknown as AgentQueue;
}
