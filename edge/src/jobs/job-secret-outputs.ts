/**
 * Secrets a job produces (issue 22): `swarm.init` returns the swarm's join tokens, which must
 * reach the joining nodes but never a job row, event or log. Before a result is stored, the
 * AgentObject takes them out and writes them into the org's secret store (encrypted) at paths
 * derived from the job's own params (`swarmTokenPath(stack, role)`) — never from the result, so
 * a job cannot write any other secret. Unchanged values are not rewritten (no new version on
 * every converge). A failed write fails the CompleteJob call, and the agent's outbox retries it.
 */
import type { JsonObject } from '@bufbuild/protobuf';
import { swarmRoles, swarmTokenPath } from '@kombify/proto/jobs';
import type { Config } from '../platform/config.ts';
import { audit } from '../platform/db/audit.ts';
import type { Db } from '../platform/db/client.ts';
import { ApiError } from '../platform/errors.ts';
import { putSecret, readSecretValues } from '../secrets/index.ts';
import type { CompleteOutcome } from './job-lifecycle.ts';

export interface SecretOutputDeps {
  config: Config;
  orgId: string;
  withDb<T>(fn: (db: Db) => Promise<T>): Promise<T>;
}

/** The outcome to store: a result's secrets kept in the org's store first, and taken out of it. */
export async function keepSecretOutputs(
  deps: Omit<SecretOutputDeps, 'orgId'> & { orgId: string | undefined },
  job: { id: string; type: string; params: unknown },
  outcome: CompleteOutcome,
): Promise<CompleteOutcome> {
  if (outcome.kind !== 'result') return outcome;
  const split = splitSecretOutputs(job.type, job.params as Record<string, unknown>, outcome.result);
  if (Object.keys(split.secrets).length > 0) {
    if (!deps.orgId)
      throw new ApiError(
        'INTERNAL_ERROR',
        `job ${job.id} returned secrets, but no org is known to keep them`,
      );
    await storeSecretOutputs({ ...deps, orgId: deps.orgId }, job.id, split.secrets);
  }
  return { kind: 'result', result: split.result };
}

/** The secrets a result of this job type carries, by store path; and the result without them. */
export function splitSecretOutputs(
  type: string,
  params: Record<string, unknown>,
  result: JsonObject,
): { secrets: Record<string, string>; result: JsonObject } {
  if (type !== 'swarm.init' || typeof params.stack !== 'string') return { secrets: {}, result };
  const { join_tokens: tokens, ...rest } = result as JsonObject & { join_tokens?: Record<string, unknown> };
  const secrets: Record<string, string> = {};
  for (const role of swarmRoles) {
    const value = tokens?.[role];
    if (typeof value === 'string' && value.length > 0) secrets[swarmTokenPath(params.stack, role)] = value;
  }
  return { secrets, result: rest as JsonObject };
}

export async function storeSecretOutputs(
  deps: SecretOutputDeps,
  jobId: string,
  secrets: Record<string, string>,
): Promise<void> {
  const paths = Object.keys(secrets);
  if (paths.length === 0) return;
  await deps.withDb(async (db) => {
    const current = await readSecretValues(db, deps.config, deps.orgId, paths);
    for (const path of paths) {
      if (current.values[path] === secrets[path]) continue;
      const { meta } = await putSecret(
        db,
        deps.config,
        deps.orgId,
        path,
        secrets[path] as string,
        `job:${jobId}`,
      );
      await audit(db, {
        actor: `job:${jobId}`,
        action: 'secret.put',
        target: `secret:${deps.orgId}/${path}`,
        before: null,
        after: { version: meta.version },
        ip: null,
      });
    }
  });
}
