/**
 * FetchJobSecrets (issue 16, delivery): an agent gets the values of the secrets its running job
 * references (`params.secrets`), bound to the job's current lease and once per lease. The values
 * are read from the org's store at that moment and go only into the RPC answer: never into the
 * job's params, events, logs or this object's storage. What the job log gets is the paths.
 */

import { and, eq, isNull } from 'drizzle-orm';
import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/db/client.ts';
import { ApiError } from '../platform/errors.ts';
import { readSecretValues } from '../secrets/index.ts';
import { jobLeases } from './job-schema.ts';
import * as store from './job-store.ts';

export interface SecretGrantDeps {
  sql: store.JobDb;
  config: Config;
  orgId: string;
  withDb<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  now(): number;
}

/** The values for a job's lease; refusals say why, without naming a value. */
export async function fetchJobSecrets(
  deps: SecretGrantDeps,
  job: store.JobRecord,
  leaseId: string,
): Promise<Record<string, string>> {
  if (job.status !== 'running' || job.leaseId !== leaseId) {
    throw new ApiError(
      'CONFLICT',
      `job ${job.id} is ${job.status}${job.leaseId === leaseId ? '' : ' under another lease'}: lease ${leaseId} gets no secrets`,
    );
  }
  const raw = (job.params as { secrets?: unknown }).secrets;
  const paths = Array.isArray(raw) ? raw.filter((p): p is string => typeof p === 'string') : [];
  if (paths.length === 0) return {};
  if (!claimSecretGrant(deps.sql, job.id, leaseId, deps.now())) {
    throw new ApiError(
      'CONFLICT',
      `the secrets of job ${job.id} were already fetched under lease ${leaseId}; a retry of the job gets a new lease`,
    );
  }
  let read: Awaited<ReturnType<typeof readSecretValues>>;
  try {
    read = await deps.withDb((db) => readSecretValues(db, deps.config, deps.orgId, paths));
  } catch (error) {
    releaseSecretGrant(deps.sql, job.id, leaseId);
    throw error;
  }
  if (read.missing.length > 0) {
    releaseSecretGrant(deps.sql, job.id, leaseId);
    throw new ApiError(
      'NOT_FOUND',
      `secret(s) ${read.missing.join(', ')} of job ${job.id} no longer exist in the org's store`,
    );
  }
  store.addEvent(
    deps.sql,
    job.id,
    deps.now(),
    'secrets_fetched',
    `the agent fetched ${paths.length} secret(s) under lease ${leaseId}: ${paths.join(', ')}`,
  );
  return read.values;
}

/**
 * Takes the lease's one secret fetch (FetchJobSecrets): true the first time, false after. Claimed
 * before the values are read, so two concurrent calls cannot both pass; `releaseSecretGrant` gives
 * it back when the read failed, so the agent may try again under the same lease.
 */
export function claimSecretGrant(db: store.JobDb, jobId: string, leaseId: string, now: number): boolean {
  const rows = db
    .update(jobLeases)
    .set({ secretsFetchedAt: now })
    .where(
      and(eq(jobLeases.jobId, jobId), eq(jobLeases.leaseId, leaseId), isNull(jobLeases.secretsFetchedAt)),
    )
    .returning({ jobId: jobLeases.jobId })
    .all();
  return rows.length > 0;
}

export function releaseSecretGrant(db: store.JobDb, jobId: string, leaseId: string): void {
  db.update(jobLeases)
    .set({ secretsFetchedAt: null })
    .where(and(eq(jobLeases.jobId, jobId), eq(jobLeases.leaseId, leaseId)))
    .run();
}
