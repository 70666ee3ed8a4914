/** The catalog domain's routes (tools, categories, patterns, discovery) for the OpenAPI document. */
import * as api from '@kombify/proto/api';
import { z } from 'zod';
import { data, type RouteDocs } from '../platform/openapi/route-doc.ts';
import { discoveryRunBody } from './discovery-routes.ts';
import { named, patternBody, toolBody, toolPatch } from './routes.ts';

const search = { q: 'full-text search (Postgres, partial words, ranked)' };
const deleted = data(z.object({ id: z.string(), deleted: z.literal(true) }));

export const catalogRouteDocs: RouteDocs = {
  'GET /api/v1/tools': {
    summary: 'The tools catalog',
    queryText: search,
    paged: true,
    response: data(api.toolList),
  },
  'POST /api/v1/tools': {
    summary: 'A new tool; `score` is weighted from the criteria',
    body: toolBody,
    status: 201,
    response: data(api.tool),
    errors: ['CONFLICT'],
  },
  'GET /api/v1/tools/:id': { summary: 'One tool', response: data(api.tool) },
  'PATCH /api/v1/tools/:id': { summary: 'Changes a tool', body: toolPatch, response: data(api.tool) },
  'DELETE /api/v1/tools/:id': { summary: 'Deletes a tool', response: deleted },
  'GET /api/v1/categories': { summary: 'Catalog categories' },
  'POST /api/v1/categories': { summary: 'A new category', body: named, status: 201, errors: ['CONFLICT'] },
  'DELETE /api/v1/categories/:id': { summary: 'Deletes a category', response: deleted },
  'GET /api/v1/patterns': { summary: 'Patterns (named sets of tools)' },
  'POST /api/v1/patterns': { summary: 'A new pattern', body: patternBody, status: 201, errors: ['CONFLICT'] },
  'DELETE /api/v1/patterns/:id': { summary: 'Deletes a pattern', response: deleted },
  'GET /api/tools': {
    summary: 'The tools launcher: reviewed tools',
    queryText: search,
    paged: true,
    response: data(api.toolList),
  },
  'POST /api/v1/discovery/runs': {
    summary: 'Searches npm (or GitHub) by keyword and files each package once as an unreviewed tool',
    body: discoveryRunBody,
    bodyOptional: true,
    status: 201,
    errors: ['SERVICE_UNAVAILABLE'],
  },
  'GET /api/v1/discovery/runs': { summary: 'Discovery runs, newest first', paged: true },
  'GET /api/v1/discovery/runs/:id': {
    summary: 'One run with what it found (`filed` or `existing` per package)',
  },
};
