/**
 * Who is told when a job ends, and what they are told. The submitter names itself when it submits
 * the job (a stack's workflow, a simulated node's lifecycle); the AgentObject keeps that with the
 * job and, when the job ends, delivers the outcome to it (job-notifier.ts, notice-delivery.ts).
 * This is the one way a job's outcome reaches anyone: nobody polls for it, nobody applies it on read.
 */
import { isTerminal } from '@kombify/proto/jobs';
import type { JobRecord } from './job-store.ts';
import type { JsonFields } from './job-view.ts';

export type JobNotify =
  /** A job a stack's workflow dispatched: the StackObject moves the run on. */
  | { kind: 'stack'; stackId: string; workflowId: string }
  /** A simulated node's lifecycle job: the node's row in Postgres takes the outcome. */
  | { kind: 'simulation'; orgId: string; simulationId: string; nodeId: string; action: string };

/** How a job ended, as its submitter is told. */
export type JobEnd =
  | { status: 'succeeded'; result: JsonFields | null }
  | { status: 'failed' | 'cancelled'; error: { code: string; message: string } | null };

export function jobEnd(job: Pick<JobRecord, 'status' | 'result' | 'error'>): JobEnd | null {
  if (!isTerminal(job.status)) return null;
  return job.status === 'succeeded'
    ? { status: 'succeeded', result: job.result }
    : { status: job.status as 'failed' | 'cancelled', error: job.error };
}
