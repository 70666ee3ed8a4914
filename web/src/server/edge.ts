import 'server-only';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import * as api from '@kombify/proto/api';
import { getRequestEvent } from 'solid-js/web';
import type { EdgeResult } from '../lib/edge-result.ts';
import { edgeTarget, SPOOFABLE_HEADERS } from './edge-request.ts';

/**
 * How the web server talks to the edge on the user's behalf. The browser holds only the edge's
 * own session cookie (HttpOnly, SameSite=Lax), set on this origin because `/auth/*` is proxied
 * here; every call forwards that cookie, the browser's Origin and this origin's Host, so the edge
 * sees the same request it would see if it were served on this origin (as it is in production,
 * where the app's host routes `/auth`, `/api` and `/v1` to the edge Worker). No admin token.
 */

const DEFAULT_EDGE_URL = 'http://127.0.0.1:8787';
const TIMEOUT_MS = 8000;

/** Base URL the web server reaches the edge at, without a trailing slash. */
export function edgeUrl(): string {
  return (process.env.KOMBIFY_EDGE_URL || DEFAULT_EDGE_URL).replace(/\/+$/, '');
}

/** The edge's public origin for agents and the installer (may differ from how this server reaches it). */
export function publicEdgeUrl(): string {
  return (process.env.KOMBIFY_PUBLIC_EDGE_URL || edgeUrl()).replace(/\/+$/, '');
}

/** Headers a hop must not pass on (RFC 9110 §7.6.1), plus ones we set ourselves. */
const HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'content-length',
  'accept-encoding',
]);

/** What edgeJson needs of a schema (the shared zod schemas of `@kombify/proto/api` fit). */
type Schema<T> = {
  safeParse(
    value: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } };
};

const SESSION_HEADERS = new Set(['cookie', 'origin', 'user-agent']);

export type EdgeAnswer = { status: number; headers: Headers; body: IncomingMessage };

/**
 * One request to the edge through node:http, so the Host header can be the browser's (fetch
 * refuses to set it). `from` is the browser's request whose cookie, origin and host go along.
 */
export function sendToEdge(
  from: Request,
  path: string,
  init: {
    method: string;
    headers?: Record<string, string>;
    body?: Uint8Array | string;
    /** `all` for the proxy; `session` passes only what identifies the caller (cookie, origin). */
    forward: 'all' | 'session';
    /** How long to wait for the answer's headers (default 8 s). */
    timeoutMs?: number;
  },
): Promise<EdgeAnswer> {
  const target = edgeTarget(edgeUrl(), path);
  const headers: Record<string, string> = {};
  for (const [name, value] of from.headers) {
    if (HOP.has(name) || SPOOFABLE_HEADERS.has(name)) continue;
    if (init.forward === 'all' || SESSION_HEADERS.has(name)) headers[name] = value;
  }
  Object.assign(headers, init.headers);
  headers.host = new URL(from.url).host;
  headers['x-forwarded-proto'] = new URL(from.url).protocol.replace(':', '');
  if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const timeout = init.timeoutMs ?? TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      { method: init.method, headers, timeout, servername: target.hostname },
      (res) => {
        // The timeout is for the answer to start. An event stream (a workflow's progress) may
        // stay quiet for minutes, e.g. while a run waits for approval: it must not be cut.
        if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) req.setTimeout(0);
        const out = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value === undefined || HOP.has(name)) continue;
          for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
        }
        resolve({ status: res.statusCode ?? 502, headers: out, body: res });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeout / 1000} s`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Passes a browser request on to the edge unchanged and streams the answer back (`/auth`, `/api`, `/v1`). */
export async function proxyToEdge(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const body =
    request.method === 'GET' || request.method === 'HEAD'
      ? undefined
      : new Uint8Array(await request.arrayBuffer());
  try {
    const answer = await sendToEdge(request, url.pathname + url.search, {
      method: request.method,
      body,
      forward: 'all',
    });
    const stream = Readable.toWeb(answer.body) as ReadableStream<Uint8Array>;
    return new Response([204, 304].includes(answer.status) ? null : stream, {
      status: answer.status,
      headers: answer.headers,
    });
  } catch (err) {
    return Response.json(
      { error: { code: 'SERVICE_UNAVAILABLE', message: `the edge did not answer: ${describe(err)}` } },
      { status: 503 },
    );
  }
}

/**
 * A JSON call to the edge as the signed-in user, parsed with the shared schema. Expected failures
 * (signed out, refused, edge down) come back as values for the page to explain. A refreshed
 * session cookie from the edge is passed on to the browser.
 */
export async function edgeJson<T>(
  path: string,
  schema: Schema<T>,
  init: {
    method?: string;
    body?: unknown;
    text?: { type: string; body: string };
    /** The answer is the object itself, not `{"data": …}` (KombiSim's single objects). */
    bare?: boolean;
    timeoutMs?: number;
  } = {},
): Promise<EdgeResult<T>> {
  const event = getRequestEvent();
  if (!event) throw new Error('edgeJson runs inside a request');
  const method = init.method ?? (init.body === undefined && init.text === undefined ? 'GET' : 'POST');
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: string | undefined;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] = 'application/json';
  } else if (init.text !== undefined) {
    body = init.text.body;
    headers['content-type'] = init.text.type;
  }
  // Server functions are POSTs from the page, so the browser's Origin is there for the edge's
  // CSRF check; a page render (GET) has none and only reads.
  let answer: EdgeAnswer;
  try {
    answer = await sendToEdge(event.request, path, {
      method,
      headers,
      body,
      forward: 'session',
      ...(init.timeoutMs ? { timeoutMs: init.timeoutMs } : {}),
    });
  } catch (err) {
    return {
      ok: false,
      status: 0,
      code: 'UNREACHABLE',
      message: `the edge did not answer: ${describe(err)}`,
    };
  }
  for (const cookie of answer.headers.getSetCookie()) event.response.headers.append('set-cookie', cookie);
  const text = await new Response(Readable.toWeb(answer.body) as ReadableStream).text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (answer.status >= 200 && answer.status < 300) {
    const data = init.bare ? json : (json as { data?: unknown } | undefined)?.data;
    const parsed = schema.safeParse(data);
    if (parsed.success) return { ok: true, data: parsed.data };
    return {
      ok: false,
      status: answer.status,
      code: 'UNEXPECTED_RESPONSE',
      message: `${method} ${path} answered in an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`,
    };
  }
  // The edge's error body, checked with the shared schema: its code is one of the closed set.
  const failure = api.errorBody.safeParse(json);
  const error = failure.success ? failure.data.error : undefined;
  return {
    ok: false,
    status: answer.status,
    code: error?.code ?? 'UNEXPECTED_RESPONSE',
    message: error?.message ?? `${method} ${path} answered HTTP ${answer.status}`,
    ...(Array.isArray(error?.details) ? { details: error.details } : {}),
  };
}

/** A one-line reason for a failed call. Node hides the useful part of `fetch failed` in `cause`. */
function describe(err: unknown): string {
  if (err instanceof Error) {
    let cause: unknown = err.cause ?? err;
    if (cause instanceof AggregateError && cause.errors[0] instanceof Error) cause = cause.errors[0];
    return cause instanceof Error && cause.message ? cause.message : err.message;
  }
  return String(err);
}
