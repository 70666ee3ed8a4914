/** The secrets domain's routes (REST and SecretService) for the OpenAPI document (api-docs). */

import * as api from '@kombify/proto/api';
import { SecretService } from '@kombify/proto/orchestrator/v1/secrets';
import { operatorRoles } from '../accounts/index.ts';
import { data, type RouteDocs, userCredentials } from '../platform/openapi/route-doc.ts';
import { generateBody, putBody } from './service.ts';

// The Connect gate admits readers; the write methods refuse the rest in the service.
const writers = { auth: { credentials: userCredentials, roles: operatorRoles } };

export const secretsRouteDocs: RouteDocs = {
  'GET /v1/orchestrator/secrets': {
    summary: 'The org’s secrets’ metadata (never a value)',
    response: data(api.secretMetaList),
  },
  'GET /v1/orchestrator/secrets/:path{.+}': {
    summary: 'One secret’s metadata',
    response: data(api.secretMeta),
  },
  'PUT /v1/orchestrator/secrets/:path{.+}': {
    summary: 'Stores a value (1 byte to 64 KiB): 201 when new, 200 when it replaced one; metadata only',
    body: putBody,
    status: 201,
    response: data(api.secretMeta),
  },
  'POST /v1/orchestrator/secrets/:path{.+}': {
    summary: '`POST {path}/generate`: stores a random value (not returned); metadata only',
    description: 'The path ends in `/generate`; any other POST is a 404.',
    body: generateBody,
    bodyOptional: true,
    status: 201,
    response: data(api.secretMeta),
  },
  'DELETE /v1/orchestrator/secrets/:path{.+}': {
    summary: 'Removes a secret; the removed secret’s metadata',
    response: data(api.secretMeta),
  },
  'POST /kombify.orchestrator.v1.SecretService/:method': {
    service: SecretService,
    summary: 'The org secret store over ConnectRPC: each method calls the same function as its REST route',
    methods: { PutSecret: writers, GenerateSecret: writers, DeleteSecret: writers },
  },
};
