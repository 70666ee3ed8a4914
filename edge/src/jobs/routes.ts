import { isTerminal } from '@kombify/proto/jobs';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { gate, operatorRoles } from '../accounts/index.ts';
import { effectivePlan, getSubscription, plans } from '../billing/index.ts';
import { auditContext } from '../platform/audit-context.ts';
import { audit } from '../platform/db/audit.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { randomId, sha256Hex } from '../platform/ids.ts';
import { unwrap } from '../platform/result.ts';
import { readJson, readPage } from '../platform/validate.ts';
import { isAgentId } from '../workers/index.ts';
import { agentQueue } from './agent-queue.ts';
import { findJobIndex } from './index-store.ts';
import { listOrgJobs } from './job-list.ts';
import { checkJobParams, submitJob } from './submit-job.ts';

/** Jobs sent to one worker. The worker's Durable Object queues, leases and records them. */
export const jobs = new Hono<AppEnv>();
jobs.use(gate(operatorRoles, 'orchestrator'));

export const createJobBody = z
  .object({
    worker_id: z.string().min(1),
    type: z.string().min(1),
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const deps = (c: Context<AppEnv>) => ({ db: c.get('db')(), env: c.env });

const idempotencyKey = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Jobs that change what runs on a node. A plan with read-only stacks may not send them raw either
 * (issue 20, M8): that would deploy what its stacks may not.
 */
function changesNode(type: string, params: Record<string, unknown> | undefined): boolean {
  if (type === 'stack.converge' || type === 'node.bootstrap') return params?.dry_run !== true;
  return ['docker.run', 'docker.remove', 'stack.remove', 'tofu.apply'].includes(type);
}

jobs.post('/', async (c) => {
  const body = await readJson(c, createJobBody);
  unwrap(checkJobParams(body.type, body.params));
  const { orgId } = c.get('principal');
  if (changesNode(body.type, body.params)) {
    const plan = effectivePlan(await getSubscription(c.get('db')(), orgId));
    if (!plans[plan].stacksWritable) {
      throw new ApiError(
        'RESOURCE_LIMIT',
        `the ${plan} plan has read-only stacks: a ${body.type} job needs a paid plan (dry runs and reads work)`,
      );
    }
  }
  if (!isAgentId(body.worker_id)) throw new ApiError('NOT_FOUND', `worker ${body.worker_id} not found`);

  // With an Idempotency-Key the job id is derived from it, so a retried POST finds the same job.
  const key = c.req.header('idempotency-key');
  if (key !== undefined && !idempotencyKey.test(key)) {
    throw new ApiError('VALIDATION_FAILED', 'Idempotency-Key must be 1-128 characters of [A-Za-z0-9._:-]');
  }
  const id = key ? `job_${(await sha256Hex(`${orgId}:${key}`)).slice(0, 26)}` : randomId('job');
  if (key) {
    const existing = await findJobIndex(c.get('db')(), orgId, id);
    if (existing) {
      const view = await agentQueue(c.env, existing.agentId).getJob(id);
      if (view) return c.json({ data: view }, 200);
    }
  }
  // A raw job (origin "api"): nodes run it only when their owner's policy allows raw jobs (H2).
  const view = unwrap(
    await submitJob(deps(c), {
      id,
      orgId,
      agentId: body.worker_id,
      type: body.type,
      params: body.params,
      origin: 'api',
    }),
  );
  // Who sent what to which node (issue 20, H2): the params as a job view shows them, so the log
  // holds no secret the job carries (job-redaction.ts).
  await audit(c.get('db')(), {
    ...auditContext(c),
    action: 'job.submit',
    target: `worker:${view.worker_id}`,
    before: null,
    after: { job_id: view.id, org_id: orgId, type: view.type, origin: 'api', params: view.params },
  });
  return c.json({ data: view }, 201);
});

jobs.get('/', async (c) => {
  const page = readPage(c);
  const { rows, total } = await listOrgJobs(deps(c), c.get('principal').orgId, c.req.query(), page);
  return c.json({ data: rows, pagination: { page: page.page, per_page: page.perPage, total } });
});

async function locate(c: Context<AppEnv>) {
  const id = c.req.param('id') ?? '';
  const index = await findJobIndex(c.get('db')(), c.get('principal').orgId, id);
  if (!index) throw new ApiError('NOT_FOUND', `job ${id} not found`);
  return { id, stub: agentQueue(c.env, index.agentId) };
}

jobs.get('/:id', async (c) => {
  const { id, stub } = await locate(c);
  const view = await stub.getJob(id);
  if (!view) throw new ApiError('NOT_FOUND', `job ${id} not found`);
  return c.json({ data: view });
});

jobs.post('/:id/cancel', async (c) => {
  const { id, stub } = await locate(c);
  const before = await stub.getJob(id);
  if (!before) throw new ApiError('NOT_FOUND', `job ${id} not found`);
  if (isTerminal(before.status)) {
    throw new ApiError('CONFLICT', `job ${id} already ${before.status}; nothing to cancel`);
  }
  const view = await stub.cancelJob(id, 'cancelled through the API');
  return c.json({ data: view });
});
