/**
 * POST /v1/orchestrator/workers/{id}/upgrade — ask a worker's agent to upgrade itself.
 *
 * Body (optional): {"version"}; default: the current published release. Queues an
 * `agent.upgrade` job for the worker and answers with it (201): the agent verifies and installs
 * the release, restarts on it, and the job succeeds once the new version is back online — or
 * fails with `upgrade_rolled_back` when it was not and the agent went back to its old version.
 * Mounted under /v1/orchestrator/workers, so the orchestrator's auth and rate limit apply.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { gate, operatorRoles } from '../accounts/index.ts';
import { submitJob } from '../jobs/index.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { unwrap } from '../platform/result.ts';
import { readJson } from '../platform/validate.ts';
import { artifactsBucket, currentVersion, getManifestBytes, VERSION } from '../releases/index.ts';
import { isAgentId } from './agent-token.ts';
import { getAgent } from './store.ts';

export const workerUpgrade = new Hono<AppEnv>();
workerUpgrade.use(gate(operatorRoles, 'orchestrator'));

export const upgradeBody = z
  .object({ version: z.string().regex(VERSION, 'a version like 1.2.3').optional() })
  .strict();

workerUpgrade.post('/:id/upgrade', async (c) => {
  const id = c.req.param('id');
  const body =
    c.req.header('content-length') === '0' || !c.req.header('content-type')
      ? {}
      : await readJson(c, upgradeBody);
  const { orgId } = c.get('principal');
  const db = c.get('db')();
  const worker = isAgentId(id) ? await getAgent(db, orgId, id) : null;
  if (!worker) throw new ApiError('NOT_FOUND', `worker ${id} not found`);
  const bucket = artifactsBucket(c.env);
  const target = body.version ?? (await currentVersion(bucket));
  if (!target) throw new ApiError('CONFLICT', 'no agent release is published on this edge yet');
  if (!(await getManifestBytes(bucket, target)))
    throw new ApiError('NOT_FOUND', `agent release ${target} not found`);
  if (worker.agentVersion === target) {
    throw new ApiError('CONFLICT', `worker ${id} already runs agent ${target}`);
  }
  const view = unwrap(
    await submitJob(
      { db, env: c.env },
      { orgId, agentId: id, type: 'agent.upgrade', params: { version: target } },
    ),
  );
  return c.json({ data: view }, 201);
});
