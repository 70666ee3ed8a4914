/** The jobs domain's routes for the OpenAPI document (api-docs). */
import type { RouteDocs } from '../platform/openapi/route-doc.ts';
import { jobQuery } from './job-list.ts';
import { createJobBody } from './routes.ts';

export const jobsRouteDocs: RouteDocs = {
  'POST /v1/orchestrator/jobs': {
    summary: 'Queues a job on a worker',
    description:
      'An `Idempotency-Key` header makes retries return the same job (200). A plan with read-only stacks gets 507 for node-changing types (`docker.run`, `docker.remove`, `stack.remove`, `tofu.apply`, `stack.converge` unless `dry_run`). Job types and their params: docs/api.md, "Job types".',
    body: createJobBody,
    status: 201,
    errors: ['RESOURCE_LIMIT', 'CONFLICT'],
  },
  'GET /v1/orchestrator/jobs': {
    summary: 'The org’s jobs, newest first (summaries; params, result, events and log only in one job)',
    description:
      'The workers are asked in parallel (up to 200; more: filter by `worker_id`), 1000 rows deep.',
    query: jobQuery,
    paged: true,
    errors: ['NOT_FOUND'],
  },
  'GET /v1/orchestrator/jobs/:id': {
    summary:
      'One job: status, attempt, params (redacted to what the type allows), result, error, events, log',
  },
  'POST /v1/orchestrator/jobs/:id/cancel': {
    summary: 'Cancels a queued or running job (the agent is told); 409 when it already ended',
    errors: ['CONFLICT'],
  },
};
