/**
 * The API reference: complete against Hono's router (both ways), a well-formed OpenAPI 3.1
 * document whose every reference resolves, the auth it states is the auth the routes enforce, and
 * both forms served without a credential.
 */
import { SELF } from 'cloudflare:test';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { gate } from '../accounts/index.ts';
import { domainDocs } from '../api-reference.ts';
import { app } from '../app.ts';
import { buildOpenApi, type OpenApiDocument } from './openapi-document.ts';
import { operationsOf, responseOf } from './operations-of.ts';
import { routerOperations } from './router-operations.ts';

const built = buildOpenApi(app.routes, domainDocs, 'test');
const doc = built.document;
const operations = operationsOf(doc);

/** A router path (`/x/:id`, `:path{.+}`) as the document's template (`/x/{id}`). */
const template = (path: string) => path.replace(/:([A-Za-z_]+)(\{[^}]+\})?/g, '{$1}');

describe('the OpenAPI document', () => {
  it('describes every route of the router, and no route the router lacks', () => {
    expect(built.undocumented).toEqual([]);
    expect(built.unrouted).toEqual([]);
    const documented = new Set(operations.map((o) => `${o.method} ${o.path}`));
    const hidden = new Set(['/_bench/bare', '/_bench/chain', '/_bench/revoke/:id']);
    const missing: string[] = [];
    for (const { method, path } of routerOperations(app.routes)) {
      if (hidden.has(path)) continue;
      if (path.endsWith('/:method')) {
        // A Connect service: one operation per method, and the service has at least one.
        const prefix = path.slice(0, -':method'.length);
        if (!operations.some((o) => o.method === 'POST' && o.path.startsWith(prefix))) missing.push(path);
      } else if (!documented.has(`${method} ${template(path)}`)) missing.push(`${method} ${path}`);
    }
    expect(missing).toEqual([]);
    expect(operations.length).toBeGreaterThan(200);
  });

  it('fails the check for a route without a description, a description without a route, and one described twice', () => {
    const extra = new Hono().get('/v1/not-described', (c) => c.text('x'));
    const withExtra = buildOpenApi([...app.routes, ...extra.routes], domainDocs, 'test');
    expect(withExtra.undocumented).toEqual(['GET /v1/not-described']);
    const ghost = buildOpenApi(
      app.routes,
      [...domainDocs, { tag: 'ghost', description: '', routes: { 'GET /v1/ghost': { summary: 'none' } } }],
      'test',
    );
    expect(ghost.unrouted).toEqual(['GET /v1/ghost']);
    const twice = { tag: 'twice', description: '', routes: { 'GET /health': { summary: 'again' } } };
    expect(() => buildOpenApi(app.routes, [...domainDocs, twice], 'test')).toThrow(
      /GET \/health is described by both/,
    );
  });

  it('lists each Connect method in its JSON form with proto-derived schemas', () => {
    const get = doc.paths['/kombify.orchestrator.v1.SecretService/GetSecret']?.post as
      | (typeof operations)[number]['op']
      | undefined;
    expect(get?.requestBody?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/kombify.orchestrator.v1.GetSecretRequest',
    });
    expect(doc.components.schemas['kombify.orchestrator.v1.GetSecretRequest']).toMatchObject({
      properties: { path: { type: 'string' } },
    });
    // The proto3 JSON mapping: enums by name, Timestamps as RFC 3339, 64-bit integers as strings.
    const schemas = doc.components.schemas;
    expect(schemas['kombify.orchestrator.v1.StackAction']).toMatchObject({
      type: 'string',
      enum: expect.arrayContaining(['STACK_ACTION_PROVISION', 'STACK_ACTION_DESTROY']),
    });
    expect(schemas['kombify.orchestrator.v1.SecretMeta']).toMatchObject({
      properties: { updatedAt: { type: 'string', format: 'date-time' }, version: { type: 'integer' } },
    });
    expect(schemas['kombify.orchestrator.v1.WorkflowEvent']).toMatchObject({
      properties: { seq: { type: ['string', 'integer'] } },
    });
    // Writes need an operator, reads a member: the per-method auth is not the gate's alone.
    const put = doc.paths['/kombify.orchestrator.v1.SecretService/PutSecret']?.post as typeof get;
    expect(put?.['x-roles']).not.toContain('member');
    expect(get?.['x-roles']).toContain('member');
    // A server stream is Connect's enveloped form, not plain JSON.
    const watch = doc.paths['/kombify.orchestrator.v1.OrchestratorService/WatchWorkflow']?.post as typeof get;
    expect(
      Object.keys(watch?.responses['200'] ? (responseOf(doc, watch.responses['200']).content ?? {}) : {}),
    ).toEqual(['application/connect+json']);
  });

  it('is OpenAPI 3.1: every operation answers, ids are unique, path parameters match the template', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    const ids = new Set<string>();
    const tags = new Set(doc.tags.map((t) => t.name));
    const problems: string[] = [];
    for (const { path, method, op } of operations) {
      const where = `${method} ${path}`;
      const statuses = Object.keys(op.responses);
      if (!statuses.some((s) => /^2\d\d$/.test(s) || /^3\d\d$/.test(s)))
        problems.push(`${where}: no success answer`);
      if (!statuses.every((s) => /^[1-5]\d\d$/.test(s))) problems.push(`${where}: bad status key`);
      if (!statuses.some((s) => /^[45]\d\d$/.test(s))) problems.push(`${where}: no error answer`);
      if (ids.has(op.operationId)) problems.push(`${where}: duplicate operationId ${op.operationId}`);
      ids.add(op.operationId);
      if (!op.tags.every((t) => tags.has(t))) problems.push(`${where}: unknown tag`);
      for (const requirement of op.security)
        for (const scheme of Object.keys(requirement))
          if (!(scheme in doc.components.securitySchemes))
            problems.push(`${where}: unknown scheme ${scheme}`);
      const inTemplate = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const declared = ((op.parameters ?? []) as { name: string; in: string; required?: boolean }[])
        .filter((p) => p.in === 'path')
        .map((p) => (p.required ? p.name : `${p.name}?`))
        .sort();
      if (JSON.stringify(inTemplate) !== JSON.stringify(declared)) problems.push(`${where}: path parameters`);
    }
    expect(problems).toEqual([]);
  });

  it('has every $ref resolve inside the document', () => {
    const broken: string[] = [];
    const resolve = (ref: string) =>
      ref
        .slice(2)
        .split('/')
        .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
        .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], doc);
    const walk = (value: unknown) => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          if (k === '$ref' && (typeof v !== 'string' || !v.startsWith('#/') || resolve(v) === undefined))
            broken.push(String(v));
          else walk(v);
        }
      }
    };
    walk(doc);
    expect(broken).toEqual([]);
    expect(JSON.stringify(doc)).not.toContain('"$defs"');
  });

  it('refers to the one error shape for every REST error answer', () => {
    const op = doc.paths['/v1/orchestrator/workers/{id}']?.get as (typeof operations)[number]['op'];
    const [notFound, unauthenticated] = [op.responses['404'], op.responses['401']].map(
      (r) => r && responseOf(doc, r),
    );
    expect(notFound?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/errorBody',
    });
    expect(unauthenticated?.description).toBe('AUTH_REQUIRED, AUTH_INVALID');
    expect(doc.components.schemas.errorBody).toMatchObject({ properties: { error: { type: 'object' } } });
  });
});

/** Secured routes that refuse a caller without a credential before asking for one, and why. */
const refusedOtherwise: Record<string, [number, string]> = {
  'POST /auth/signout': [503, 'sign-in is not configured in the tests: refused before the session is read'],
  'POST /api/billing/webhook': [503, 'Stripe is not configured in the tests: refused before the signature'],
};

describe('the auth the document states', () => {
  it('is what the routes enforce: secured operations refuse a caller without a credential', async () => {
    const open: string[] = [];
    for (const { path, method, op } of operations) {
      if (op.security.length === 0) continue;
      // A Connect stream answers 200 and refuses in its last message, not with a status.
      if (op.requestBody?.content['application/connect+json']) continue;
      const url = `http://edge${path.replace(/\{[^}]+\}/g, 'x')}`;
      const init: RequestInit = { method, headers: { 'content-type': 'application/json' } };
      if (!['GET', 'HEAD', 'DELETE'].includes(method)) init.body = '{}';
      const res = await SELF.fetch(url, init);
      await res.body?.cancel();
      if (res.status !== (refusedOtherwise[`${method} ${path}`]?.[0] ?? 401))
        open.push(`${method} ${path} → ${res.status}`);
    }
    expect(open).toEqual([]);
  });

  it('is what the routes enforce: public GETs answer without one', async () => {
    const refused: string[] = [];
    for (const { path, method, op } of operations) {
      if (op.security.length > 0 || method !== 'GET') continue;
      const res = await SELF.fetch(`http://edge${path.replace(/\{[^}]+\}/g, 'x')}`, { redirect: 'manual' });
      await res.body?.cancel();
      if (res.status === 401 || res.status === 403) refused.push(`${method} ${path} → ${res.status}`);
    }
    expect(refused).toEqual([]);
  });

  it('reads the roles from the gates before a handler, intersecting nested gates', () => {
    const sub = new Hono()
      .get('/early', (c) => c.text('before the gate'))
      .use(gate(['member', 'admin'], 'x'))
      .get('/late', (c) => c.text('after'))
      .get('/inline', gate(['admin', 'owner'], 'x'), (c) => c.text('both'));
    const ops = routerOperations(new Hono().route('/t', sub).routes);
    expect(ops).toEqual([
      { method: 'GET', path: '/t/early', roles: null },
      { method: 'GET', path: '/t/late', roles: ['member', 'admin'] },
      { method: 'GET', path: '/t/inline', roles: ['admin'] },
    ]);
  });
});

describe('serving the reference', () => {
  it('answers GET /openapi.json without a credential with the document', async () => {
    const res = await SELF.fetch('http://edge/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const served = (await res.json()) as OpenApiDocument;
    expect(served.openapi).toBe(doc.openapi);
    expect(Object.keys(served.paths).sort()).toEqual(Object.keys(doc.paths).sort());
  });

  it('answers GET /docs without a credential with an HTML page listing every operation', async () => {
    const res = await SELF.fetch('http://edge/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('<a href="/openapi.json">');
    const absent = operations
      .map(({ method, path }) => `<code>${method} ${path.replaceAll('&', '&amp;')}</code>`)
      .filter((line) => !html.includes(line));
    expect(absent).toEqual([]);
    // No script and no outside resource: the page works under the edge's deny-all CSP.
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!spec\.openapis)/);
  });
});
