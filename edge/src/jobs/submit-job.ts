/**
 * The one way to hand a job to a worker: check its params against the job's schema, record it in
 * the job index (Postgres: which org and worker own it), queue it on the worker's AgentObject, and
 * remove the index row again if the queue did not take it — so nothing is ever half-written. Every
 * submitter uses it: the jobs API, pre-checks, agent upgrades, simulations and the StackObject.
 */
import { type JobOrigin, parseJobParams } from '@kombify/proto/jobs';
import type { Db } from '../platform/db/client.ts';
import type { Env } from '../platform/env.ts';
import { randomId } from '../platform/ids.ts';
import { ok, type Result, refuse } from '../platform/result.ts';
import { agentQueue } from './agent-queue.ts';
import { deleteJobIndex, insertJobIndex } from './index-store.ts';
import type { JobNotify } from './job-notice.ts';
import type { JobView, JsonFields } from './job-view.ts';

export interface JobSubmission {
  /** The job's id: a fresh one unless the caller has its own (an idempotency key, a stack's job). */
  id?: string;
  orgId: string;
  agentId: string;
  type: string;
  /** Checked (and given its defaults) with the job type's schema before anything is written. */
  params: unknown;
  /** Who is told when the job ends. */
  notify?: JobNotify;
  /**
   * The caller submits the same id again after a failure (a stack re-dispatching a persisted job):
   * an index row already there is kept, and so is the job if the AgentObject has it.
   */
  retry?: boolean;
  /** What the params are called in a refusal: "invalid pre-checks: …". Default "job". */
  what?: string;
  /**
   * Who made the job, for the agent's policy (issue 20, H2). Default: the submitter its notice
   * names (a stack's workflow, a simulated node), else the edge itself. Only the jobs API, where the
   * caller picks type and params, says "api": a raw job, which nodes refuse unless their owner allows it.
   */
  origin?: JobOrigin;
}

function originOf(job: JobSubmission): JobOrigin {
  return job.origin ?? job.notify?.kind ?? 'edge';
}

/**
 * Refusals: VALIDATION_FAILED (params, with the issues as details), NOT_FOUND (no such worker in
 * the org), SERVICE_UNAVAILABLE (the worker's queue did not take the job; nothing was queued).
 */
export type SubmitRefusal = 'VALIDATION_FAILED' | 'NOT_FOUND' | 'SERVICE_UNAVAILABLE';

/** A job's params checked against its type's schema, with the schema's defaults filled in. */
export function checkJobParams(
  type: string,
  params: unknown,
  what = 'job',
): Result<JsonFields, 'VALIDATION_FAILED'> {
  const parsed = parseJobParams(type, params);
  if (parsed.ok) return ok(parsed.value as JsonFields);
  const issues = parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return refuse('VALIDATION_FAILED', `invalid ${what}: ${issues}`, parsed.issues);
}

export async function submitJob(
  deps: { db: Db; env: Env },
  job: JobSubmission,
): Promise<Result<JobView, SubmitRefusal>> {
  const params = checkJobParams(job.type, job.params, job.what);
  if (!params.ok) return params;
  const id = job.id ?? randomId('job');
  const { orgId, agentId, type } = job;
  const indexed = await insertJobIndex(deps.db, { id, orgId, agentId, type }, { ifAbsent: job.retry });
  if (!indexed) return refuse('NOT_FOUND', `worker ${agentId} not found`);
  try {
    const view = await agentQueue(deps.env, agentId).enqueue({
      id,
      orgId,
      agentId,
      type,
      params: params.value,
      origin: originOf(job),
      ...(job.notify ? { notify: job.notify } : {}),
    });
    return ok(view);
  } catch (cause) {
    // A row this call did not write belongs to an earlier, possibly queued, submission: it stays.
    if (indexed === 'inserted') await deleteJobIndex(deps.db, id);
    console.warn(`the queue of worker ${agentId} did not accept job ${id}:`, cause);
    return refuse(
      'SERVICE_UNAVAILABLE',
      'the worker queue did not accept the job; nothing was queued, retry',
    );
  }
}
