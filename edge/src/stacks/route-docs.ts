/** The stacks domain's routes (stacks, workflows, nodes, OrchestratorService) for the OpenAPI document. */
import * as api from '@kombify/proto/api';
import { OrchestratorService } from '@kombify/proto/orchestrator/v1';
import { type BodyDoc, data, listOf, type RouteDocs } from '../platform/openapi/route-doc.ts';
import { addAppBody } from './app-service.ts';
import { proposalQuery } from './binding-proposal.ts';
import { bootstrapBody } from './bootstrap-service.ts';
import { addNodeBody } from './node-service.ts';
import { bindingsBody, destroyBody, provisionBody, rollbackBody, settingsBody } from './routes.ts';
import { specInputBody } from './spec-input.ts';
import { startBody, workflowQuery } from './workflow-list.ts';
import { rejectBody } from './workflow-routes.ts';

/** A spec: kombination.yaml text, or JSON with the spec (or its YAML) and the stack's settings. */
const specInput: readonly BodyDoc[] = [
  { contentType: 'application/json', schema: specInputBody },
  { contentType: 'application/yaml', description: 'kombination.yaml (at most 1 MiB)' },
];

const action = (kind: string) => ({
  summary: `Starts a ${kind} workflow for the stack (202: the run, to follow at /v1/orchestrator/workflows/{id})`,
  body: kind === 'destroy' ? destroyBody : provisionBody,
  bodyOptional: true,
  status: 202,
  response: data(api.workflowSummary),
  errors: ['CONFLICT', 'RESOURCE_LIMIT'] as const,
});

export const stacksRouteDocs: RouteDocs = {
  'GET /v1/orchestrator/stacks': {
    summary: 'The org’s stacks',
    paged: true,
    response: listOf(api.stackSummary),
  },
  'POST /v1/orchestrator/stacks': {
    summary: 'A new stack from a spec',
    body: specInput,
    status: 201,
    response: data(api.stackDetails),
    errors: ['CONFLICT', 'RESOURCE_LIMIT'],
  },
  'GET /v1/orchestrator/stacks/:id': {
    summary: 'One stack with its nodes and pending changes',
    response: data(api.stackDetails),
  },
  'DELETE /v1/orchestrator/stacks/:id': {
    summary: 'Deletes a stack (`?force=true` while it has deployed resources)',
    queryText: { force: '`true` to delete a stack that still has resources' },
    response: data(api.acknowledged),
    errors: ['CONFLICT'],
  },
  'GET /v1/orchestrator/stacks/:id/versions': {
    summary: 'The stack’s spec versions',
    response: data(api.specVersionList),
  },
  'POST /v1/orchestrator/stacks/:id/spec': {
    summary: 'A new spec version',
    body: specInput,
    status: 201,
    response: data(api.specVersion),
  },
  'GET /v1/orchestrator/stacks/:id/spec': {
    summary: 'The current (or `?version=`) spec; YAML as written with `Accept: application/yaml`',
    queryText: { version: 'a version number ≥ 1' },
    response: data(api.stackSpec),
  },
  'POST /v1/orchestrator/stacks/:id/nodes/:node/bootstrap': {
    summary: 'The node’s layer-1 setup from the current plan, as a node.bootstrap job',
    body: bootstrapBody,
    bodyOptional: true,
    status: 202,
    errors: ['CONFLICT'],
  },
  'GET /v1/orchestrator/stacks/:id/swarm': {
    summary:
      'The stack’s swarm as a manager sees it now: members, leader, reachability, tasks per node, services (a swarm.status job, the managers asked leader first)',
    queryText: { wait_seconds: 'how long to wait for a manager’s answer, 1–60 (default 20)' },
    response: data(api.stackSwarm),
    errors: ['NOT_FOUND', 'SERVICE_UNAVAILABLE'],
  },
  'POST /v1/orchestrator/stacks/:id/apps': {
    summary:
      'Adds a catalog app to the current spec, as a new version; the answer holds its generated secrets, once',
    body: addAppBody,
    status: 201,
    response: data(api.addedApp),
    errors: ['CONFLICT'],
  },
  'POST /v1/orchestrator/stacks/:id/rollback': {
    summary: 'A new version with an older version’s spec',
    body: rollbackBody,
    status: 201,
    response: data(api.specVersion),
  },
  'GET /v1/orchestrator/stacks/:id/plan': { summary: 'The resolved plan of the current spec' },
  'GET /v1/orchestrator/stacks/:id/export': { summary: 'The stack as files: spec, OpenTofu and job plan' },
  'PUT /v1/orchestrator/stacks/:id/bindings': {
    summary: 'Binds the spec’s nodes to workers or simulated nodes',
    body: bindingsBody,
    response: data(api.acknowledged),
  },
  'GET /v1/orchestrator/stacks/:id/bindings/proposal': {
    summary:
      'Which node of a simulation each spec node would run on (by role, vps for cloud providers, local otherwise); nothing is saved',
    query: proposalQuery,
    response: data(api.bindingProposal),
  },
  'PUT /v1/orchestrator/stacks/:id/settings': {
    summary: 'The stack’s drift check interval (0: off)',
    body: settingsBody,
    response: data(api.acknowledged),
  },
  'POST /v1/orchestrator/stacks/:id/provision': action('provision'),
  'POST /v1/orchestrator/stacks/:id/deploy': action('deploy'),
  'POST /v1/orchestrator/stacks/:id/plan': action('plan'),
  'POST /v1/orchestrator/stacks/:id/destroy': action('destroy'),
  'GET /v1/orchestrator/stacks/:id/workflows': {
    summary: 'The stack’s workflow runs, newest first',
    query: workflowQuery.omit({ stack_id: true }),
    paged: true,
    response: listOf(api.workflowSummary),
  },
  'GET /v1/orchestrator/workflows': {
    summary: 'Every workflow run of the org, filtered by stack, kind, status and time',
    query: workflowQuery,
    paged: true,
    response: listOf(api.workflowSummary),
  },
  'POST /v1/orchestrator/workflows': {
    summary: 'Starts a workflow: `{"stack_id", "kind", …}`, the same as the per-stack actions',
    body: startBody,
    status: 202,
    response: data(api.workflowSummary),
    errors: ['CONFLICT', 'RESOURCE_LIMIT'],
  },
  'GET /v1/orchestrator/workflows/:id': {
    summary: 'One run with its steps and events',
    response: data(api.workflow),
  },
  'POST /v1/orchestrator/workflows/:id/approve': {
    summary: 'Approves a run waiting for approval',
    response: data(api.acknowledged),
    errors: ['CONFLICT'],
  },
  'POST /v1/orchestrator/workflows/:id/reject': {
    summary: 'Rejects a run waiting for approval',
    body: rejectBody,
    bodyOptional: true,
    response: data(api.acknowledged),
    errors: ['CONFLICT'],
  },
  'POST /v1/orchestrator/workflows/:id/cancel': {
    summary: 'Cancels a run',
    response: data(api.acknowledged),
    errors: ['CONFLICT'],
  },
  'GET /v1/orchestrator/workflows/:id/events': {
    summary:
      'The run’s events and log lines as Server-Sent Events, from `Last-Event-ID` or `?after=`, then `end`',
    queryText: { after: 'the cursor to resume after (or the `Last-Event-ID` header)' },
    response: { contentType: 'text/event-stream' },
  },
  'GET /v1/orchestrator/nodes': {
    summary: 'Every node of the org’s stacks with its binding',
    paged: true,
    response: listOf(api.stackNode),
  },
  'POST /v1/orchestrator/nodes': {
    summary: 'Adds a node to a stack’s spec and binds it, in one call',
    body: addNodeBody,
    status: 201,
    errors: ['CONFLICT'],
  },
  'GET /v1/orchestrator/secret-usage': {
    summary: 'Which stacks’ current specs reference each secret path (members and up)',
    response: data(api.secretUsageList),
  },
  'POST /kombify.orchestrator.v1.OrchestratorService/:method': {
    service: OrchestratorService,
    summary: 'Stacks and workflows over ConnectRPC: each method calls the function its REST route calls',
  },
};
