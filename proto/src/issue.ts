/**
 * The one shape of a per-field problem, `{path, code, message}` (spec/CONTRACTS.md, "Validation
 * errors"): what the edge's `VALIDATION_FAILED` answers carry in `details`, what job params and
 * kombination.yaml checks report, and what the web shows beside a field. Declared once here.
 *
 * It lives in @kombify/proto because every package already depends on proto and proto depends on
 * none of them: stackkits, the edge, the agent and the web can all import it without a cycle.
 */
import { z } from 'zod';

export const issue = z.object({
  /** Where the problem is, like `ports[0].host`; `""` for the input itself. */
  path: z.string(),
  /** A short machine-readable reason (`required`, `invalid_value`, …). */
  code: z.string(),
  message: z.string(),
});
export type Issue = z.infer<typeof issue>;

/** An issue in a document parsed from text (YAML): the 1-based line and column, when known. */
export const positionedIssue = issue.extend({
  line: z.number().optional(),
  column: z.number().optional(),
});
export type PositionedIssue = z.infer<typeof positionedIssue>;

/** Formats a zod path like ['ports', 0, 'host'] as `ports[0].host`, under an optional prefix. */
export function formatPath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** A zod error as issues; a missing value is `required` rather than zod's `invalid_type`. */
export function issuesFromZod(error: z.ZodError, prefix = ''): Issue[] {
  return error.issues.map((i) => ({
    path: formatPath(i.path, prefix),
    code: i.code === 'invalid_type' && i.input === undefined ? 'required' : i.code,
    message: i.message,
  }));
}

/**
 * The issues among an error's `details`, if it carries a list of them (an ApiError's details may
 * also be another object, e.g. the holder of a state lock).
 */
export function issuesIn(details: unknown): Issue[] {
  if (!Array.isArray(details)) return [];
  return details.flatMap((d: unknown) => {
    const o = (d ?? {}) as Record<string, unknown>;
    return typeof o.path === 'string' && typeof o.message === 'string'
      ? [{ path: o.path, code: typeof o.code === 'string' ? o.code : '', message: o.message }]
      : [];
  });
}
