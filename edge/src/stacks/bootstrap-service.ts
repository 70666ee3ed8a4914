/**
 * `POST /stacks/{id}/nodes/{node}/bootstrap`: the node's layer-1 setup from the stack's current
 * plan (time zone, unattended upgrades, SSH hardening, firewall, Docker daemon settings) as one
 * `node.bootstrap` job on the node's bound worker, on demand; `dry_run` reports the diff and
 * changes nothing. The job is idempotent, so running it again changes nothing.
 */
import { resolve, toBootstrapJobs } from '@kombify/stackkits';
import { z } from 'zod';
import { submitJob } from '../jobs/index.ts';
import { ApiError } from '../platform/errors.ts';
import { unwrap } from '../platform/result.ts';
import { bindWorker, locate, type OrchContext, orgWorkers, planLimits } from './access.ts';
import { specOfVersion } from './spec-input.ts';

export const bootstrapBody = z.object({ dry_run: z.boolean().default(false) }).strict();

export async function bootstrapNode(
  ctx: OrchContext,
  id: string,
  node: string,
  body: z.output<typeof bootstrapBody>,
) {
  const { stack } = await locate(ctx, id);
  const details = (await stack.details())!;
  const v = (await stack.currentVersion())!;
  const job = toBootstrapJobs(resolve(specOfVersion(v), v.options)).find((j) => j.node === node);
  if (!job) throw new ApiError('NOT_FOUND', `stack ${id} has no node ${node}`);
  if (!body.dry_run) {
    const { plan, limits } = await planLimits(ctx);
    if (!limits.stacksWritable) {
      throw new ApiError(
        'RESOURCE_LIMIT',
        `the ${plan} plan has read-only stacks: only a dry run of bootstrap works`,
      );
    }
  }
  const worker = bindWorker(node, details.bindings[node], await orgWorkers(ctx));
  if (typeof worker === 'string') {
    throw new ApiError('VALIDATION_FAILED', `node ${node}: ${worker}`, {
      details: [{ path: `bindings.${node}`, code: 'invalid_reference', message: worker }],
    });
  }
  if (worker.approvedAt === null) {
    throw new ApiError(
      'VALIDATION_FAILED',
      `worker ${worker.name} (${worker.id}) is not approved yet: POST /v1/orchestrator/workers/${worker.id}/approve`,
    );
  }
  const view = unwrap(
    await submitJob(
      { db: ctx.db, env: ctx.env },
      {
        orgId: ctx.principal.orgId,
        agentId: worker.id,
        type: 'node.bootstrap',
        params: { ...job.params, dry_run: body.dry_run },
        what: 'bootstrap',
      },
    ),
  );
  return { job: view, not_applied: job.notApplied };
}
