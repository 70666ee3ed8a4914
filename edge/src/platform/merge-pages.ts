/**
 * One page of a list whose rows live in several Durable Objects (a stack's runs, a worker's jobs):
 * each object gives its first offset+limit matching rows newest first with its total, and the page
 * is the merge. Exact, at the cost of asking every object; callers bound how many they ask.
 */
import { ApiError } from './errors.ts';
import type { Page } from './validate.ts';

/** How deep such a list goes: each object is asked for offset+limit rows. */
export const MAX_DEPTH = 1000;

/** Refuses a page past MAX_DEPTH, saying how to narrow the list instead. */
export function checkDepth(page: Page, narrow: string): void {
  if (page.offset + page.limit <= MAX_DEPTH) return;
  throw new ApiError('VALIDATION_FAILED', `the list goes ${MAX_DEPTH} rows deep: ${narrow}`, {
    details: [{ path: 'page', code: 'out_of_range', message: `page × per_page must be ≤ ${MAX_DEPTH}` }],
  });
}

export interface Part<T> {
  rows: T[];
  total: number;
}

/** Newest first by `created_at` (ISO 8601), then by id, so pages never overlap or skip. */
export function mergePages<T extends { id: string; created_at: string }>(
  parts: Part<T>[],
  page: Page,
): Part<T> {
  const rows = parts
    .flatMap((p) => p.rows)
    .sort((a, b) => b.created_at.localeCompare(a.created_at) || a.id.localeCompare(b.id))
    .slice(page.offset, page.offset + page.limit);
  return { rows, total: parts.reduce((n, p) => n + p.total, 0) };
}
