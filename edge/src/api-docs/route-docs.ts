/** The reference's own two routes. */
import { z } from 'zod';
import type { RouteDocs } from '../platform/openapi/route-doc.ts';

export const apiDocsRouteDocs: RouteDocs = {
  'GET /openapi.json': {
    summary: 'This API as an OpenAPI 3.1 document',
    description: 'Built from the router and the routes’ zod schemas; public, like the source it comes from.',
    response: { contentType: 'application/json', schema: z.object({ openapi: z.string() }).loose() },
  },
  'GET /docs': {
    summary: 'This API as a plain HTML page (the same document, no scripts)',
    response: { contentType: 'text/html' },
  },
};
