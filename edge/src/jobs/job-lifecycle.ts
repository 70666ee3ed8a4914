/**
 * The AgentObject's decisions about a job's life, as plain functions over its SQLite storage
 * (job-store.ts): what happens when a lease runs out, when a queued job waited too long, when the
 * agent reconnects holding jobs, and when it reports an outcome. Each returns the ids of the jobs
 * it ended, so the object can tell their submitters.
 */
import type { JsonObject } from '@bufbuild/protobuf';
import * as store from './job-store.ts';

export type CompleteOutcome =
  | { kind: 'result'; result: JsonObject }
  | { kind: 'error'; code: string; message: string; retryable: boolean };

/** Backoff before a retried attempt: 1 s, 2 s, 4 s, … up to 30 s. */
const retryDelayMs = (attempt: number) => Math.min(30_000, 1000 * 2 ** (attempt - 1));

/** Leases that ran out: the job is retried while attempts are left, else it fails. */
export function expireLeases(sql: store.JobDb, expired: store.JobRecord[], now: number): string[] {
  const ended: string[] = [];
  for (const job of expired) {
    if (job.attempt < job.maxAttempts) {
      store.requeueJob(
        sql,
        job.id,
        now + retryDelayMs(job.attempt),
        `lease expired: the agent stopped reporting during attempt ${job.attempt} of ${job.maxAttempts}; retrying`,
        now,
      );
    } else {
      store.finishJob(
        sql,
        job.id,
        {
          status: 'failed',
          error: {
            code: 'lease_expired',
            message: `the agent stopped reporting and the lease expired on all ${job.maxAttempts} attempts`,
          },
        },
        now,
      );
      ended.push(job.id);
    }
  }
  return ended;
}

/** Queued jobs no agent picked up before their deadline fail as `worker_offline`. */
export function failOverdue(sql: store.JobDb, now: number): string[] {
  const ended: string[] = [];
  for (const job of store.overdueQueued(sql, now)) {
    const waited = Math.round((now - job.createdAt) / 1000);
    store.finishJob(
      sql,
      job.id,
      {
        status: 'failed',
        error: { code: 'worker_offline', message: `the worker did not pick the job up within ${waited} s` },
      },
      now,
    );
    ended.push(job.id);
  }
  return ended;
}

/**
 * The agent reconnected: jobs it held are sent again under the same lease. A redelivery counts as
 * an attempt, so a job that kills its agent every time cannot loop forever.
 */
export function recoverRunning(
  sql: store.JobDb,
  leaseMs: number,
  now: number,
): { ended: string[]; redelivered: store.JobRecord[] } {
  const ended: string[] = [];
  const redelivered: store.JobRecord[] = [];
  for (const job of store.runningJobs(sql)) {
    if (job.attempt >= job.maxAttempts) {
      store.finishJob(
        sql,
        job.id,
        {
          status: 'failed',
          error: {
            code: 'agent_lost',
            message: `the agent went away (crash or restart) during each of the job's ${job.maxAttempts} deliveries`,
          },
        },
        now,
      );
      ended.push(job.id);
      continue;
    }
    redelivered.push(store.redeliverJob(sql, job.id, leaseMs, now));
  }
  return { ended, redelivered };
}

/** Applies an agent's outcome to a job that has not ended yet; a retryable error requeues it. */
export function applyOutcome(
  sql: store.JobDb,
  job: store.JobRecord,
  outcome: CompleteOutcome,
  now: number,
): { status: store.JobStatus; ended: boolean } {
  if (outcome.kind === 'result') {
    store.finishJob(sql, job.id, { status: 'succeeded', result: outcome.result }, now);
  } else if (outcome.retryable && job.status === 'running' && job.attempt < job.maxAttempts) {
    store.requeueJob(
      sql,
      job.id,
      now + retryDelayMs(job.attempt),
      `retryable error: ${outcome.message} (${outcome.code})`,
      now,
    );
    return { status: 'queued', ended: false };
  } else {
    store.finishJob(
      sql,
      job.id,
      { status: 'failed', error: { code: outcome.code, message: outcome.message } },
      now,
    );
  }
  return { status: store.getJob(sql, job.id)!.status, ended: true };
}

/** Cancels a job that has not ended; returns whether it was running (the agent must be told). */
export function cancel(sql: store.JobDb, job: store.JobRecord, reason: string, now: number): boolean {
  store.finishJob(sql, job.id, { status: 'cancelled', error: { code: 'cancelled', message: reason } }, now);
  return job.status === 'running';
}
