/**
 * zod issues → contract errors. zod says *what* failed (invalid_type, too_big, …); the contract
 * says what it means for a kombination.yaml author (required, out_of_range, …), with a message that
 * names the value and what would be accepted.
 */
import type { z } from 'zod';
import {
  type PathSegments,
  type PendingError,
  pending,
  type SpecErrorCode,
  specErrorCodes,
} from './errors.ts';

type Issue = z.core.$ZodIssue;

export function issuesToErrors(issues: readonly Issue[], root: z.ZodType): PendingError[] {
  const out: PendingError[] = [];
  for (const issue of issues) out.push(...convert(issue, root));
  return out;
}

function segments(path: readonly PropertyKey[]): (string | number)[] {
  return path.map((p) => (typeof p === 'number' ? p : String(p)));
}

function fieldName(path: PathSegments): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const part = path[i];
    if (typeof part === 'string') return part;
  }
  return 'value';
}

function convert(issue: Issue, root: z.ZodType): PendingError[] {
  const path = segments(issue.path);
  const field = fieldName(path);
  const input = (issue as { input?: unknown }).input;

  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(root, path);
    // `__proto__` is reported as a security problem by the raw checks.
    return issue.keys
      .filter((key) => key !== '__proto__')
      .map((key) =>
        pending([...path, key], 'invalid_value', `unknown field "${key}"${suggest(key, known)}`, 'key'),
      );
  }
  if (input === undefined) {
    return [pending(path, 'required', `${field} is required`)];
  }
  switch (issue.code) {
    case 'invalid_type': {
      const expected = issue.expected === 'int' ? 'a whole number' : article(issue.expected);
      return [pending(path, 'invalid_format', `expected ${expected}, got ${describe(input)}`)];
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => (v === '' ? '"" (auto)' : String(v)));
      return [
        pending(
          path,
          'invalid_value',
          `${show(input)} is not a valid ${field}; use one of: ${values.join(', ')}`,
        ),
      ];
    }
    case 'too_small':
    case 'too_big':
      return [range(issue, path, field, input)];
    case 'invalid_key': {
      const inner = issue.issues[0];
      const code = inner?.code === 'custom' ? customCode(inner) : 'invalid_format';
      return [pending(path, code, `key ${show(input)} ${inner?.message ?? 'is not allowed'}`, 'key')];
    }
    case 'custom':
      return [pending(path, customCode(issue), `${issue.message} (got ${show(input)})`)];
    case 'invalid_format':
    case 'invalid_union':
      return [pending(path, 'invalid_format', `${issue.message} (got ${show(input)})`)];
    default:
      return [pending(path, 'invalid_format', issue.message)];
  }
}

function range(
  issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig,
  path: PathSegments,
  field: string,
  input: unknown,
) {
  const small = issue.code === 'too_small';
  const bound = small
    ? (issue as z.core.$ZodIssueTooSmall).minimum
    : (issue as z.core.$ZodIssueTooBig).maximum;
  if (issue.origin === 'array') {
    if (small && Number(bound) <= 1)
      return pending(path, 'required', `at least one entry is required in ${field}`);
    return pending(
      path,
      'out_of_range',
      `${field} must have ${small ? 'at least' : 'at most'} ${bound} entries`,
    );
  }
  if (issue.origin === 'string') {
    if (small && Number(bound) <= 1) return pending(path, 'required', `${field} must not be empty`);
    return pending(
      path,
      'invalid_format',
      `${field} must be ${small ? 'at least' : 'at most'} ${bound} characters`,
    );
  }
  return pending(
    path,
    'out_of_range',
    `must be ${small ? 'at least' : 'at most'} ${bound}, got ${show(input)}`,
  );
}

function customCode(issue: { params?: Record<string, unknown> }): SpecErrorCode {
  const code = issue.params?.code;
  return typeof code === 'string' && (specErrorCodes as readonly string[]).includes(code)
    ? (code as SpecErrorCode)
    : 'invalid_format';
}

function article(type: string): string {
  if (type === 'object') return 'a mapping';
  if (type === 'array') return 'a list';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describe(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${article(typeof value)} (${show(value)})`;
}

/** A value for a message: JSON-quoted, cut to a readable length. */
export function show(value: unknown): string {
  let text: string;
  try {
    text =
      typeof value === 'object' && value !== null
        ? Array.isArray(value)
          ? 'a list'
          : 'a mapping'
        : JSON.stringify(value);
  } catch {
    text = String(value);
  }
  if (text === undefined) text = String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** The field names the schema allows at a path (for "did you mean" hints on unknown fields). */
function knownKeys(root: z.ZodType, path: PathSegments): string[] {
  let schema: unknown = root;
  for (const part of path) {
    schema = unwrap(schema);
    const def = defOf(schema);
    if (def?.type === 'object' && typeof part === 'string')
      schema = (def.shape as Record<string, unknown>)[part];
    else if (def?.type === 'array' && typeof part === 'number') schema = def.element;
    else return [];
  }
  const def = defOf(unwrap(schema));
  return def?.type === 'object' ? Object.keys(def.shape as Record<string, unknown>) : [];
}

function defOf(schema: unknown): Record<string, unknown> | undefined {
  return (schema as { _zod?: { def?: Record<string, unknown> } } | undefined)?._zod?.def;
}

function unwrap(schema: unknown): unknown {
  let current = schema;
  for (let i = 0; i < 10; i++) {
    const def = defOf(current);
    if (def && ['optional', 'default', 'prefault', 'nullable', 'readonly'].includes(def.type as string)) {
      current = def.innerType;
    } else break;
  }
  return current;
}

function suggest(key: string, known: string[]): string {
  if (known.length === 0) return '';
  const lower = key.toLowerCase().replace(/[-_]/g, '');
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const c = candidate.toLowerCase().replace(/[-_]/g, '');
    const d = c === lower ? 0 : editDistance(lower, c, bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best ? `; did you mean "${best}"?` : `; known fields: ${known.join(', ')}`;
}

/** Levenshtein distance, giving up (returning `limit`) once it cannot be below `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit || a.length > 64 || b.length > 64) return limit;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin >= limit) return limit;
    prev = cur;
  }
  return Math.min(prev[b.length] ?? limit, limit);
}
