/**
 * The validation error vocabulary of kombination.yaml (spec/CONTRACTS.md, "Validation errors").
 * Every problem is one {path, code, message} and, when the spec came from YAML text, the 1-based
 * line and column where the offending value (or its key, or its parent mapping) stands.
 */
import type { PositionedIssue } from '@kombify/proto/issue';

export const specErrorCodes = [
  'invalid_format',
  'duplicate',
  'invalid_value',
  'required',
  'out_of_range',
  'security',
  'invalid_reference',
  'circular_dependency',
  'kit_constraint',
  'parse_error',
] as const;

export type SpecErrorCode = (typeof specErrorCodes)[number];

/**
 * The shared issue shape (`@kombify/proto/issue`: stackkits depends on proto, never the reverse)
 * with a spec code; `path` like `nodes[0].ssh.port`, line and column present when parsed from text.
 */
export interface SpecError extends PositionedIssue {
  code: SpecErrorCode;
}

/** A path as segments: keys and sequence indexes. */
export type PathSegments = ReadonlyArray<string | number>;

/**
 * An error before it has a position. `at: 'key'` points the position at the mapping key instead of
 * the value (used for unknown fields).
 */
export interface PendingError {
  path: PathSegments;
  code: SpecErrorCode;
  message: string;
  at?: 'value' | 'key';
  /** Where to point in the text when that differs from `path` (e.g. the `needs` item at fault). */
  where?: PathSegments;
}

const plainKey = /^[A-Za-z_$][\w$-]*$/;

/** Formats ['nodes', 0, 'ssh', 'port'] as `nodes[0].ssh.port`; odd keys are quoted: `labels["a.b"]`. */
export function formatPath(path: PathSegments): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (plainKey.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

export function pending(
  path: PathSegments,
  code: SpecErrorCode,
  message: string,
  at?: 'value' | 'key',
  where?: PathSegments,
): PendingError {
  const error: PendingError = { path, code, message };
  if (at) error.at = at;
  if (where) error.where = where;
  return error;
}

/**
 * Orders errors by position (a stable sort: errors at the same position, or without positions, keep
 * the order the checks found them in, which is fixed for a given input).
 */
export function sortErrors(errors: SpecError[]): SpecError[] {
  return errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
