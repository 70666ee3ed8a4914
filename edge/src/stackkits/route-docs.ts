/** The stackkits domain's routes (kits, schemas, validation, generation, apps, import) for the OpenAPI document. */
import * as api from '@kombify/proto/api';
import { z } from 'zod';
import { type BodyDoc, data, type RouteDocs } from '../platform/openapi/route-doc.ts';
import { composeJsonBody } from './import-routes.ts';
import { specBody } from './routes.ts';

/** A kombination spec: YAML text (errors with line and column) or JSON `{"spec": …, "options"?}`. */
const spec: readonly BodyDoc[] = [
  { contentType: 'application/json', schema: specBody },
  { contentType: 'application/yaml', description: 'kombination.yaml' },
];
const jsonSchema = {
  contentType: 'application/schema+json',
  schema: z.object({ $schema: z.string() }).loose(),
};
const validate = {
  summary: 'Validates a kombination spec: 200, or 400 `VALIDATION_FAILED` with every problem in `details`',
  body: spec,
  response: data(api.specValid),
};

export const stackkitsRouteDocs: RouteDocs = {
  'GET /v1/stackkits': {
    summary: 'The StackKits with variants, services and requirements',
    response: data(api.kitList),
  },
  'GET /v1/stackkits/schema': {
    summary: 'The JSON Schema of kombination.yaml (for editors)',
    response: jsonSchema,
  },
  'GET /v1/stackkits/:kit': { summary: 'One StackKit' },
  'GET /v1/stackkits/:kit/schema': { summary: 'The JSON Schema of a spec for one kit', response: jsonSchema },
  'POST /v1/stackkits/validate': validate,
  'POST /v1/orchestrator/unifier/validate': validate,
  'POST /v1/stackkits/generate': {
    summary: 'The resolved plan, OpenTofu JSON files and the agent job plan',
    body: spec,
  },
  'GET /v1/stackkits/apps': {
    summary: 'The app catalog (`stackkits/apps/`), with its categories',
    queryText: { q: 'every word in name, title, description or category', category: 'one category' },
    response: data(api.appList).extend({ categories: z.array(z.string()) }),
  },
  'GET /v1/stackkits/apps/:name': {
    summary: 'One app’s whole definition (services, volumes, health checks, secrets)',
  },
  'POST /v1/stackkits/import': {
    summary: 'A docker-compose file as a kombination spec (nothing is stored)',
    description:
      'At most 4 MiB + 64 KiB, refused while it is read (`too_large`); warnings and errors carry `{file, path, code, message, line, column}`. Proposed secrets are named, their values never echoed.',
    body: [
      { contentType: 'application/json', schema: composeJsonBody },
      { contentType: 'application/yaml', description: 'the compose file' },
      { contentType: 'text/yaml', description: 'the compose file' },
    ],
    response: data(api.composeImport),
  },
};
