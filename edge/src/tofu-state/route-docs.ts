/** The OpenTofu state backend and its credentials for the OpenAPI document (api-docs). */
import { z } from 'zod';
import { operatorRoles } from '../accounts/index.ts';
import { type AuthDoc, data, type RouteDocs } from '../platform/openapi/route-doc.ts';
import { credentialBody, lockBody, ownerBody } from './routes.ts';

// The backend authenticates in its own middleware (state-auth.ts): OpenTofu sends HTTP Basic.
const state: AuthDoc = {
  credentials: ['stateBasic'],
  roles: operatorRoles,
  note: 'A state credential for this stack (from `state-credentials`), or an operator API key as the password.',
};
const lockInfo = { contentType: 'application/json', schema: lockBody };

export const tofuStateRouteDocs: RouteDocs = {
  'GET /v1/tofu-state/:stackId': {
    summary: 'The stack’s current state (204 when there is none); never cached',
    auth: state,
    response: { contentType: 'application/json', description: 'the OpenTofu state file' },
  },
  'POST /v1/tofu-state/:stackId': {
    summary: 'Stores a new state version (with `?ID=` of the lock held)',
    auth: state,
    body: { contentType: 'application/json', description: 'the OpenTofu state file' },
    queryText: { ID: 'the lock ID OpenTofu holds' },
    errors: ['CONFLICT'],
  },
  'LOCK /v1/tofu-state/:stackId': {
    summary: 'Takes the state lock; 423 with the holder’s LockInfo while another holds it',
    auth: state,
    body: lockInfo,
    response: lockInfo,
    errors: ['CONFLICT'],
  },
  'UNLOCK /v1/tofu-state/:stackId': {
    summary: 'Releases the state lock; another holder’s lock ID is a 409 that shows whose lock it is',
    auth: state,
    body: lockInfo,
    bodyOptional: true,
    errors: ['CONFLICT'],
  },
  'DELETE /v1/tofu-state/:stackId': {
    summary: 'Deletes the stack’s state (versions are kept)',
    auth: state,
    errors: ['CONFLICT'],
  },
  'GET /v1/tofu-state/:stackId/versions': {
    summary: 'The lock and the state versions, newest first',
    auth: state,
  },
  'POST /v1/orchestrator/stacks/:id/state-credentials': {
    summary: 'The stack’s OpenTofu backend with a short-lived credential for it (a `tofu.*` job’s `backend`)',
    body: credentialBody,
    bodyOptional: true,
    status: 201,
    errors: ['SERVICE_UNAVAILABLE'],
  },
  'PUT /api/internal/tofu-state/:stackId/owner': {
    summary: 'Records which org a stack belongs to (409 when another org has it; audited)',
    body: ownerBody,
    response: data(z.object({ stack_id: z.string(), org_id: z.string() }).loose()),
    errors: ['CONFLICT'],
  },
};
