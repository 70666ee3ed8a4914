/**
 * How a domain describes its routes for the OpenAPI document (edge/src/api-docs): one entry per
 * route the domain mounts, keyed by `METHOD /path` exactly as Hono's router lists it, pointing at
 * the zod schemas the handlers validate with (never a copy). Who may call a route is not written
 * here: the generator reads it from the gates on the router (`gateRoles`); an entry says `auth`
 * only where a route authenticates by other means (OpenTofu's Basic auth, the agent token, Stripe).
 */
import type { DescService } from '@bufbuild/protobuf';
import { pagination } from '@kombify/proto/api';
import type { ErrorCode } from '@kombify/proto/error-codes';
import { z } from 'zod';

/** The credentials the edge accepts; the names are the document's security schemes. */
export type Credential = 'session' | 'apiKey' | 'bearerJwt' | 'agentToken' | 'stateBasic' | 'stripeSignature';

export interface AuthDoc {
  credentials: readonly Credential[];
  /** The roles that pass (null: any holder of the credential). */
  roles: readonly string[] | null;
  /** A word on what the check is, where roles do not say it all. */
  note?: string;
}

/** What the gate accepts: an API key, the issuer's access token, or a browser session. */
export const userCredentials: readonly Credential[] = ['apiKey', 'bearerJwt', 'session'];

/** A request or answer body that is not JSON, or JSON of no schema we hold. */
export interface BodyDoc {
  contentType: string;
  schema?: z.ZodType;
  description?: string;
}

export interface RouteDoc {
  summary: string;
  description?: string;
  /** The JSON body the handler validates, or another content type. */
  body?: z.ZodType | BodyDoc | readonly BodyDoc[];
  /** An empty request takes the defaults (the stack actions, for one). */
  bodyOptional?: boolean;
  /** The query parameters the handler reads (an object schema; every field is one parameter). */
  query?: z.ZodObject;
  /** Query parameters a handler reads without a schema: name → what it means. */
  queryText?: Record<string, string>;
  /** Takes `?page=&per_page=` (validate.ts `readPage`). */
  paged?: boolean;
  /** The success answer's body (a JSON schema, or another content type). */
  response?: z.ZodType | BodyDoc;
  /** The success status (default 200). */
  status?: number;
  /** Error codes this route answers with beyond those its auth, body and path imply. */
  errors?: readonly ErrorCode[];
  /** Set where the router's gates do not tell (routes that authenticate themselves). */
  auth?: AuthDoc | 'public';
  /** Left out of the public document, with why (benchmark probes). */
  hidden?: string;
}

/** A ConnectRPC service mounted as `POST /<package.Service>/:method`: every method is one operation. */
export interface ConnectDoc {
  service: DescService;
  summary: string;
  /** Per method (its proto name, `GetSecret`): where its auth differs from the gate's. */
  methods?: Record<string, { auth?: AuthDoc | 'public'; note?: string }>;
  auth?: AuthDoc | 'public';
}

export type RouteDocs = Record<string, RouteDoc | ConnectDoc>;

/** The route's roles, registered by `gate()` on the middleware it returns. */
export const gateRoles = new WeakMap<object, readonly string[]>();

/** `{data: …}`, the envelope of most answers. */
export const data = <S extends z.ZodType>(schema: S) => z.object({ data: schema });

/** `{data: […], pagination}`, a paged list. */
export const listOf = <S extends z.ZodType>(item: S) => z.object({ data: z.array(item), pagination });

export const isConnectDoc = (doc: RouteDoc | ConnectDoc): doc is ConnectDoc => 'service' in doc;
