import { issuesFromZod } from '@kombify/proto/issue';
import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError } from './errors.ts';

/** The largest JSON request body any route reads (issue 20, L5); routes that take more say so. */
export const MAX_JSON_BYTES = 1024 * 1024;

/**
 * Reads a JSON body and validates it; every problem is reported with its field path. The body
 * is read only up to `maxBytes` (never whole first and measured after).
 */
export async function readJson<S extends z.ZodType>(
  c: Context,
  schema: S,
  maxBytes = MAX_JSON_BYTES,
): Promise<z.output<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/json')) {
    throw new ApiError('VALIDATION_FAILED', 'request body must be JSON (Content-Type: application/json)');
  }
  const text = await readCappedText(c, maxBytes, 'the request body');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError('VALIDATION_FAILED', 'request body is not valid JSON');
  }
  return checkBody(schema, body);
}

/** Validates an already-read body (JSON, a Connect request as JSON); every problem is reported with its field path. */
export function checkBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const details = issuesFromZod(parsed.error);
    throw new ApiError(
      'VALIDATION_FAILED',
      `invalid request: ${details.map((d) => `${d.path || '(body)'}: ${d.message}`).join('; ')}`,
      {
        details,
      },
    );
  }
  return parsed.data;
}

export interface Page {
  page: number;
  perPage: number;
  limit: number;
  offset: number;
}

/**
 * The one pagination reader (CONTRACTS.md: `page` from 1, `per_page` from 1 to 100): from a REST
 * query (`readPage`) or a Connect request's fields (`pageOf`, where 0 means unset). Every bad
 * value is reported with its field path.
 */
export function pageOf(page: number, perPage: number): Page {
  const details = [];
  if (!Number.isInteger(page) || page < 1)
    details.push({ path: 'page', code: 'out_of_range', message: 'must be an integer ≥ 1' });
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
    details.push({ path: 'per_page', code: 'out_of_range', message: 'must be an integer from 1 to 100' });
  }
  if (details.length > 0) throw new ApiError('VALIDATION_FAILED', 'invalid pagination', { details });
  return { page, perPage, limit: perPage, offset: (page - 1) * perPage };
}

/** `?page=&per_page=` from a REST request. */
export function readPage(c: Context, defaultPerPage = 50): Page {
  return pageOf(
    Number.parseInt(c.req.query('page') ?? '1', 10),
    Number.parseInt(c.req.query('per_page') ?? String(defaultPerPage), 10),
  );
}

/**
 * Query parameters (or a Connect request's optional strings) through a schema: an absent or empty
 * value counts as not given, every problem is reported with its field path.
 */
export function readQuery<S extends z.ZodType>(
  schema: S,
  raw: Record<string, string | undefined>,
): z.output<S> {
  return checkBody(
    schema,
    Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== '')),
  );
}

/** A Connect request's `page`/`per_page` (proto3: 0 when unset). */
export function connectPage(req: { page: number; perPage: number }, defaultPerPage = 50): Page {
  return pageOf(req.page || 1, req.perPage || defaultPerPage);
}

/**
 * The request body as text, refused once it passes `maxBytes`: a declared `Content-Length` over
 * the cap is refused before anything is kept or parsed, and a body without one (chunked) is read
 * as a stream and refused as soon as it passes the cap, so an oversized body is never buffered.
 */
export async function readCappedText(c: Context, maxBytes: number, what = 'the body'): Promise<string> {
  return new TextDecoder().decode(await readCappedBytes(c, maxBytes, what));
}

/** The request body as bytes, refused once it passes `maxBytes` (see {@link readCappedText}). */
export async function readCappedBytes(c: Context, maxBytes: number, what = 'the body'): Promise<Uint8Array> {
  const tooBig = () =>
    new ApiError('VALIDATION_FAILED', `${what} is larger than ${formatBytes(maxBytes)}`, {
      details: [{ path: '', code: 'too_large', message: `at most ${maxBytes} bytes` }],
    });
  const body = c.req.raw.body;
  const declared = Number(c.req.header('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    if (body) await discard(body.getReader(), maxBytes);
    throw tooBig();
  }
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await discard(reader, maxBytes);
      throw tooBig();
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return all;
}

/**
 * Reads the rest of a refused body without keeping it, up to `limit` more bytes, then cancels it.
 * An answer sent while the client is still uploading, with the body cancelled at once, makes the
 * local runtime's proxy (miniflare's entry worker under `wrangler dev`) fail the request with
 * "Network connection lost" instead of passing the 400 on, now and then; reading a bounded amount
 * first lets a client that sent a little too much see the refusal, and the bound keeps a huge
 * body from being read at all.
 */
async function discard(reader: ReadableStreamDefaultReader<Uint8Array>, limit: number): Promise<void> {
  let read = 0;
  while (read <= limit) {
    const { done, value } = await reader.read();
    if (done) return;
    read += value.byteLength;
  }
  await reader.cancel();
}

function formatBytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : `${n} bytes`;
}
