import { issuesFromZod } from '@kombify/proto/issue';
import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError } from './errors.ts';

/** Reads a JSON body and validates it; every problem is reported with its field path. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/json')) {
    throw new ApiError('VALIDATION_FAILED', 'request body must be JSON (Content-Type: application/json)');
  }
  let body: unknown;
  try {
    body = await c.req.json();
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

/** `?page=&per_page=` with per_page capped at 100 (CONTRACTS.md). */
export function readPage(c: Context, defaultPerPage = 50): Page {
  const page = Number.parseInt(c.req.query('page') ?? '1', 10);
  const perPage = Number.parseInt(c.req.query('per_page') ?? String(defaultPerPage), 10);
  const details = [];
  if (!Number.isInteger(page) || page < 1)
    details.push({ path: 'page', code: 'out_of_range', message: 'must be an integer ≥ 1' });
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
    details.push({ path: 'per_page', code: 'out_of_range', message: 'must be an integer from 1 to 100' });
  }
  if (details.length > 0) throw new ApiError('VALIDATION_FAILED', 'invalid pagination', { details });
  return { page, perPage, limit: perPage, offset: (page - 1) * perPage };
}
