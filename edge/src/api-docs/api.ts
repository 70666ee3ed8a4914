/**
 * The API reference: `GET /openapi.json` (OpenAPI 3.1) and `GET /docs` (the same as HTML). Both
 * are public, like the routes' shapes in the open source they come from: the document says what
 * each route takes and who may call it, never anything about a caller or their data. It is built
 * once per isolate from the app's own router, handed in by app.ts (this module cannot import the
 * app it describes without a cycle), with the domains' route descriptions (api-reference.ts).
 */
import { Hono } from 'hono';
import type { RouterRoute } from 'hono/types';
import type { AppEnv } from '../platform/env.ts';
import { docsPage } from './docs-page.ts';
import { type BuiltDocument, buildOpenApi, type DomainDocs } from './openapi-document.ts';

export function apiReference(routes: () => readonly RouterRoute[], domains: readonly DomainDocs[]) {
  let built: { version: string; doc: BuiltDocument; html: string } | undefined;
  const document = (version: string) => {
    if (built?.version !== version) {
      const doc = buildOpenApi(routes(), domains, version);
      built = { version, doc, html: docsPage(doc.document) };
    }
    return built;
  };
  return new Hono<AppEnv>()
    .get('/openapi.json', (c) => c.json(document(c.get('config').KOMBIFY_VERSION).doc.document))
    .get('/docs', (c) => c.html(document(c.get('config').KOMBIFY_VERSION).html));
}
export { apiDocsRouteDocs } from './route-docs.ts';
