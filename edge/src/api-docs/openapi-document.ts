/**
 * The OpenAPI 3.1 document of the edge, built from Hono's router (what exists, and the roles of
 * its gates) and the domains' route descriptions (what each route takes and answers, pointing at
 * the zod schemas the handlers validate with). Connect services are described from their
 * generated descriptors, one operation per method in Connect's JSON form.
 */
import type { DescMethod } from '@bufbuild/protobuf';
import { codeToHttpStatus, codeToString } from '@connectrpc/connect/protocol-connect';
import { errorBody } from '@kombify/proto/api';
import type { ErrorCode } from '@kombify/proto/error-codes';
import type { RouterRoute } from 'hono/types';
import { z } from 'zod';
import { errorStatus, toConnectCode } from '../platform/errors.ts';
import { type JsonSchema, ProtoSchemas } from '../platform/openapi/proto-schema.ts';
import {
  type AuthDoc,
  type BodyDoc,
  type ConnectDoc,
  isConnectDoc,
  type RouteDoc,
  type RouteDocs,
  userCredentials,
} from '../platform/openapi/route-doc.ts';
import { openApiPath, routerOperations } from './router-operations.ts';
import { securityOf, securitySchemes } from './security-schemes.ts';
import { ZodComponents } from './zod-components.ts';

/** The routes of one domain, shown under one tag. */
export interface DomainDocs {
  tag: string;
  description: string;
  routes: RouteDocs;
}

export interface BuiltDocument {
  document: OpenApiDocument;
  /** Router operations no domain describes (`METHOD /path`): the completeness test fails on them. */
  undocumented: string[];
  /** Descriptions of routes the router does not have. */
  unrouted: string[];
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: unknown[];
  requestBody?: { required: boolean; description?: string; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, ResponseObject | { $ref: string }>;
  security: Record<string, string[]>[];
  'x-roles'?: readonly string[];
}

export interface ResponseObject {
  description: string;
  content?: Record<string, { schema: JsonSchema }>;
}

export interface OpenApiDocument {
  openapi: '3.1.1';
  info: { title: string; version: string; description: string };
  jsonSchemaDialect: string;
  tags: { name: string; description: string }[];
  paths: Record<string, PathItem>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, ResponseObject>;
    securitySchemes: typeof securitySchemes;
  };
}

const standardMethods = new Set(['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE']);

/** A path's operations by lower-case method, and `x-additionalOperations` by method for the rest. */
export type PathItem = Record<string, OpenApiOperation | Record<string, OpenApiOperation>>;

const errorRef = { $ref: '#/components/schemas/errorBody' };
const connectErrorRef = { $ref: '#/components/schemas/connectError' };

/** Connect's error body (connectrpc.com/docs/protocol, "Error end-of-stream" and unary errors). */
const connectError: JsonSchema = {
  type: 'object',
  properties: {
    code: { type: 'string', description: 'a Connect code: invalid_argument, unauthenticated, not_found, …' },
    message: { type: 'string' },
    details: {
      type: 'array',
      items: {
        type: 'object',
        properties: { type: { type: 'string' }, value: { type: 'string' }, debug: {} },
        required: ['type', 'value'],
      },
      description: 'google.rpc.BadRequest with every field violation on invalid input',
    },
  },
  required: ['code'],
};

export function buildOpenApi(
  routes: readonly RouterRoute[],
  domains: readonly DomainDocs[],
  version: string,
): BuiltDocument {
  const zod = new ZodComponents();
  const errorResponses: Record<string, ResponseObject> = {};
  const proto = new ProtoSchemas();
  zod.schema(errorBody);
  const described = new Map<string, { doc: RouteDoc | ConnectDoc; tag: string }>();
  for (const d of domains)
    for (const [key, doc] of Object.entries(d.routes)) {
      // Two domains describing one route would hide one of them: a mistake to stop at once.
      const earlier = described.get(key);
      if (earlier) throw new Error(`${key} is described by both ${earlier.tag} and ${d.tag}`);
      described.set(key, { doc, tag: d.tag });
    }

  const paths: OpenApiDocument['paths'] = {};
  const undocumented: string[] = [];
  const seen = new Set<string>();
  for (const op of routerOperations(routes)) {
    const key = `${op.method} ${op.path}`;
    const entry = described.get(key);
    if (!entry) {
      undocumented.push(key);
      continue;
    }
    seen.add(key);
    const { doc, tag } = entry;
    const routerAuth: AuthDoc | 'public' = op.roles
      ? { credentials: userCredentials, roles: op.roles }
      : 'public';
    if (isConnectDoc(doc)) {
      for (const method of doc.service.methods) {
        const perMethod = doc.methods?.[method.name];
        const auth = perMethod?.auth ?? doc.auth ?? routerAuth;
        const path = `/${doc.service.typeName}/${method.name}`;
        paths[path] = { post: connectOperation(errorResponses, method, tag, auth, perMethod?.note, proto) };
      }
      continue;
    }
    if (doc.hidden) continue;
    const { template, params } = openApiPath(op.path);
    paths[template] ??= {};
    const operation = restOperation(
      errorResponses,
      op.method,
      template,
      doc,
      tag,
      doc.auth ?? routerAuth,
      zod,
    );
    if (params.length > 0)
      operation.parameters = [
        ...params.map((p) => ({ name: p.name, in: 'path', required: true, schema: p.schema })),
        ...(operation.parameters ?? []),
      ];
    const item = paths[template] as PathItem;
    // OpenAPI 3.1 names eight methods; WebDAV's LOCK and UNLOCK (OpenTofu's state locking) go
    // where OpenAPI 3.2 puts other methods, as an extension until the document moves to 3.2.
    if (standardMethods.has(op.method)) item[op.method.toLowerCase()] = operation;
    else {
      const extra = (item['x-additionalOperations'] ?? {}) as Record<string, OpenApiOperation>;
      extra[op.method] = operation;
      item['x-additionalOperations'] = extra;
    }
  }
  const unrouted = [...described.keys()].filter((k) => !seen.has(k));
  const document: OpenApiDocument = {
    openapi: '3.1.1',
    info: {
      title: 'kombify edge API',
      version,
      description:
        'Every route the edge serves. Errors are `{"error": {code, message, details?, requestId, timestamp}}` ' +
        '(the `errorBody` schema) with one code of a closed set; Connect methods answer Connect errors ' +
        'mapped from the same codes. Built from the router and the zod schemas the handlers validate with.',
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    tags: domains.map((d) => ({ name: d.tag, description: d.description })),
    paths,
    components: {
      schemas: { ...zod.components, ...proto.components, connectError },
      responses: errorResponses,
      securitySchemes,
    },
  };
  return { document, undocumented, unrouted };
}

function operationId(method: string, template: string): string {
  return `${method.toLowerCase()}${template
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join('')}`;
}

/** The codes a route can answer with: those its auth, input and path imply, and its own. */
function errorCodes(
  doc: RouteDoc,
  auth: AuthDoc | 'public',
  hasParams: boolean,
  hasInput: boolean,
): ErrorCode[] {
  const codes = new Set<ErrorCode>(doc.errors ?? []);
  if (auth !== 'public') {
    codes.add('AUTH_REQUIRED').add('AUTH_INVALID');
    if (auth.roles) codes.add('AUTH_INSUFFICIENT');
    if (auth.credentials.some((c) => userCredentials.includes(c))) codes.add('RATE_LIMITED');
  }
  if (hasInput) codes.add('VALIDATION_FAILED');
  if (hasParams) codes.add('NOT_FOUND');
  codes.add('INTERNAL_ERROR');
  return [...codes];
}

function isBodyDoc(value: unknown): value is BodyDoc {
  return typeof value === 'object' && value !== null && 'contentType' in value;
}

function bodyDocs(body: z.ZodType | BodyDoc | readonly BodyDoc[]): BodyDoc[] {
  return (Array.isArray(body) ? body : [body]).filter(isBodyDoc);
}

function content(body: z.ZodType | BodyDoc | readonly BodyDoc[], zod: ZodComponents) {
  const list = Array.isArray(body) ? body : [body];
  const out: Record<string, { schema: JsonSchema; description?: string }> = {};
  for (const b of list as (z.ZodType | BodyDoc)[]) {
    if (b instanceof z.ZodType) out['application/json'] = { schema: zod.schema(b) };
    else if (isBodyDoc(b)) out[b.contentType] = { schema: b.schema ? zod.schema(b.schema) : {} };
  }
  return out;
}

function describeAuth(auth: AuthDoc | 'public'): string {
  if (auth === 'public') return 'No credential.';
  const who = auth.roles ? `Roles: ${auth.roles.join(', ')}.` : 'Any holder of the credential.';
  return auth.note ? `${who} ${auth.note}` : who;
}

function restOperation(
  errorResponses: Record<string, ResponseObject>,
  method: string,
  template: string,
  doc: RouteDoc,
  tag: string,
  auth: AuthDoc | 'public',
  zod: ZodComponents,
): OpenApiOperation {
  const parameters: unknown[] = [];
  if (doc.query) {
    const json = zod.schema(doc.query) as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, schema] of Object.entries(json.properties ?? {}))
      parameters.push({ name, in: 'query', required: json.required?.includes(name) ?? false, schema });
  }
  for (const [name, description] of Object.entries(doc.queryText ?? {}))
    parameters.push({ name, in: 'query', required: false, description, schema: { type: 'string' } });
  if (doc.paged) {
    parameters.push(
      { name: 'page', in: 'query', required: false, schema: { type: 'integer', minimum: 1, default: 1 } },
      {
        name: 'per_page',
        in: 'query',
        required: false,
        schema: { type: 'integer', minimum: 1, maximum: 100 },
      },
    );
  }
  const status = String(doc.status ?? 200);
  const responses: OpenApiOperation['responses'] = {
    [status]: {
      description: [doc.summary, ...(doc.response ? bodyDocs(doc.response) : []).map((b) => b.description)]
        .filter(Boolean)
        .join('; '),
      ...(doc.response ? { content: content(doc.response, zod) } : {}),
    },
  };
  const hasParams = template.includes('{');
  const codes = errorCodes(
    doc,
    auth,
    hasParams,
    Boolean(doc.body || doc.query || doc.paged || doc.queryText),
  );
  for (const [httpStatus, list] of groupBy(codes, (c) => String(errorStatus[c]))) {
    // One component per set of codes: the document names each refusal once, not per route.
    const name = list.join('_');
    errorResponses[name] ??= {
      description: list.join(', '),
      content: { 'application/json': { schema: errorRef } },
    };
    responses[httpStatus] = { $ref: `#/components/responses/${name}` };
  }
  const operation: OpenApiOperation = {
    operationId: operationId(method, template),
    summary: doc.summary,
    description: [doc.description, describeAuth(auth)].filter(Boolean).join('\n\n'),
    tags: [tag],
    responses,
    security: securityOf(auth),
  };
  if (auth !== 'public' && auth.roles) operation['x-roles'] = auth.roles;
  if (parameters.length > 0) operation.parameters = parameters;
  if (doc.body) {
    const said = bodyDocs(doc.body).filter((b) => b.description);
    operation.requestBody = {
      required: !doc.bodyOptional,
      ...(said.length > 0
        ? { description: said.map((b) => `${b.contentType}: ${b.description}`).join('; ') }
        : {}),
      content: content(doc.body, zod),
    };
  }
  return operation;
}

function connectOperation(
  errorResponses: Record<string, ResponseObject>,
  method: DescMethod,
  tag: string,
  auth: AuthDoc | 'public',
  note: string | undefined,
  proto: ProtoSchemas,
): OpenApiOperation {
  const streaming = method.methodKind !== 'unary';
  // Connect's streaming form frames each message (a 5-byte envelope), so it is not plain JSON.
  const type = streaming ? 'application/connect+json' : 'application/json';
  const codes: ErrorCode[] = ['VALIDATION_FAILED', 'NOT_FOUND', 'INTERNAL_ERROR'];
  if (auth !== 'public') codes.push('AUTH_REQUIRED', 'AUTH_INSUFFICIENT', 'RATE_LIMITED');
  const responses: OpenApiOperation['responses'] = {
    '200': {
      description: streaming ? `a stream of ${method.output.name} messages` : method.output.name,
      content: { [type]: { schema: proto.message(method.output) } },
    },
  };
  const byStatus = groupBy(
    codes.map((c) => toConnectCode(c)),
    (c) => String(codeToHttpStatus(c)),
  );
  for (const [httpStatus, list] of byStatus) {
    const names = [...new Set(list.map(codeToString))];
    const name = `connect_${names.join('_')}`;
    errorResponses[name] ??= {
      description: names.join(', '),
      content: { 'application/json': { schema: connectErrorRef } },
    };
    responses[httpStatus] = { $ref: `#/components/responses/${name}` };
  }
  const service = method.parent;
  const operation: OpenApiOperation = {
    operationId: `${service.name}_${method.name}`,
    summary: `${service.name}.${method.name}${streaming ? ' (server stream)' : ''}`,
    description: [
      `ConnectRPC \`${service.typeName}/${method.name}\` in its JSON form (\`POST\`, \`Content-Type: ${type}\`).`,
      note,
      describeAuth(auth),
    ]
      .filter(Boolean)
      .join('\n\n'),
    tags: [tag],
    requestBody: { required: true, content: { [type]: { schema: proto.message(method.input) } } },
    responses,
    security: securityOf(auth),
  };
  if (auth !== 'public' && auth.roles) operation['x-roles'] = auth.roles;
  return operation;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}
