/** The workers domain's routes (agents, enrolment, containers, AgentService) for the OpenAPI document. */

import { AgentService } from '@kombify/proto/agent/v1';
import * as api from '@kombify/proto/api';
import { z } from 'zod';
import { data, listOf, type RouteDocs } from '../platform/openapi/route-doc.ts';
import { prechecksBody } from './action-routes.ts';
import { logQuery, waitQuery } from './container-routes.ts';
import { enrollmentBody } from './enrollment-service.ts';
import { newWorkerBody } from './routes.ts';
import { upgradeBody } from './upgrade-routes.ts';

const busy = ['SERVICE_UNAVAILABLE'] as const;

export const workersRouteDocs: RouteDocs = {
  'POST /kombify.agent.v1.AgentService/:method': {
    service: AgentService,
    summary: 'The agent protocol: Enroll here, every other call in the calling agent’s object',
    // The endpoint checks the agent token itself (agent-rpc-routes.ts), before any object is touched.
    auth: { credentials: ['agentToken'], roles: null },
    methods: {
      Enroll: {
        auth: 'public',
        note: 'The one-time enrollment token (`kfe_…`) in the request is the credential.',
      },
    },
  },
  'POST /v1/orchestrator/enrollment-tokens': {
    summary: 'A one-time enrollment token (stored hashed)',
    body: enrollmentBody,
    status: 201,
    response: data(api.enrollmentTokenCreated),
    errors: ['RESOURCE_LIMIT'],
  },
  'GET /v1/orchestrator/enrollment-tokens/:id': {
    summary: 'Whether an enrollment token was used, and by which worker',
    response: data(api.enrollmentTokenStatus),
  },
  'GET /v1/orchestrator/workers/metrics': {
    summary: 'The workers’ recent samples (CPU, memory, disk)',
    queryText: { minutes: 'how far back (default 60)' },
    response: data(api.workerSamplesList),
  },
  'GET /v1/orchestrator/workers': { summary: 'The org’s workers', paged: true, response: listOf(api.worker) },
  'POST /v1/orchestrator/workers': {
    summary:
      'A new worker: an enrollment and the installer one-liner to run on the machine (the token is shown once)',
    description:
      'A full plan → 507 before any token is made; watch it enroll with `GET /v1/orchestrator/enrollment-tokens/{enrollment_id}`.',
    body: newWorkerBody,
    status: 201,
    errors: ['RESOURCE_LIMIT'],
  },
  'GET /v1/orchestrator/workers/:id': { summary: 'One worker', response: data(api.worker) },
  'DELETE /v1/orchestrator/workers/:id': {
    summary:
      'Deletes (revokes) a worker: its open jobs are cancelled and the agent is refused from its next call',
    response: data(z.object({ id: z.string(), deleted: z.literal(true) })),
  },
  'POST /v1/orchestrator/workers/:id/approve': {
    summary: 'Approves a worker waiting for approval',
    response: data(api.worker),
  },
  'POST /v1/orchestrator/workers/:id/prechecks': {
    summary:
      'Runs node.prechecks on the worker (Docker version, disk, memory, ports) and waits for the answer',
    body: prechecksBody,
    bodyOptional: true,
    queryText: { wait_seconds: 'how long to wait for the worker' },
    errors: busy,
  },
  'POST /v1/orchestrator/workers/:id/upgrade': {
    summary:
      'Queues an agent.upgrade job (default: the current release); 409 when the worker runs it already',
    body: upgradeBody,
    bodyOptional: true,
    status: 201,
    errors: ['CONFLICT'],
  },
  'GET /v1/orchestrator/workers/:id/containers': {
    summary: 'The containers kombify manages on the worker, asked of it through a docker.containers job',
    query: waitQuery,
    response: data(api.containerList),
    errors: busy,
  },
  'GET /v1/orchestrator/workers/:id/containers/:name/logs': {
    summary: 'A managed container’s log lines; `?follow=true`: Server-Sent Events (`line`, then `end`)',
    query: logQuery,
    response: data(api.containerLogs),
    errors: [...busy, 'AUTH_INSUFFICIENT'],
  },
  'POST /v1/orchestrator/workers/:id/containers/:name/:action{start|stop|restart}': {
    summary: 'Starts, stops or restarts a kombify-managed container (the owner’s own containers: 403)',
    response: data(api.containerActionResult),
    errors: [...busy, 'AUTH_INSUFFICIENT'],
  },
};
