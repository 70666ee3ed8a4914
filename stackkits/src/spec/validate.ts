/**
 * Validation: schema, cross-field checks and the chosen kit's rules, all reported at once.
 *
 * - `parseSpec(text)` reads kombination.yaml and gives every error its line and column.
 * - `validateSpec(data)` takes already-parsed data (a JSON body, say); errors carry no position.
 *
 * Neither throws, whatever the input. Kit rules need a well-typed spec, so they run once the schema
 * passes; the schema errors and the cross-field checks are reported together regardless.
 */
import { buildModel } from '../unifier/model.ts';
import { checkRaw } from './checks.ts';
import { applyDefaults, type Spec } from './defaults.ts';
import { formatPath, type PendingError, type SpecError, sortErrors } from './errors.ts';
import { kombinationSchema } from './schema.ts';
import { type Position, readYaml } from './yaml-source.ts';
import { issuesToErrors } from './zod-issues.ts';

export interface SpecResult {
  /** The spec with every default applied and the kit chosen; only when there are no errors. */
  spec?: Spec;
  errors: SpecError[];
}

type Locate = (path: PendingError['path'], at?: 'value' | 'key') => Position;

/** Parses and validates kombination.yaml text. */
export function parseSpec(text: string): SpecResult {
  const source = readYaml(text);
  if (source.data === undefined) return { errors: source.errors };
  return run(source.data, source.locate);
}

/** Validates a spec that is already data (e.g. the `spec` of a JSON request body). */
export function validateSpec(data: unknown): SpecResult {
  return run(data, undefined);
}

function run(data: unknown, locate: Locate | undefined): SpecResult {
  try {
    return check(data, locate);
  } catch (error) {
    // A bug here must not take a request down with it; report it as what it is.
    return {
      errors: [
        {
          path: '',
          code: 'parse_error',
          message: `the spec could not be checked: ${error instanceof Error ? error.message : String(error)}`,
          ...(locate ? { line: 1, column: 1 } : {}),
        },
      ],
    };
  }
}

function check(data: unknown, locate: Locate | undefined): SpecResult {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return {
      errors: [
        {
          path: '',
          code: 'parse_error',
          message: 'the spec must be a mapping (name: …, nodes: …)',
          ...(locate ? { line: 1, column: 1 } : {}),
        },
      ],
    };
  }
  const pendingErrors: PendingError[] = [];
  const parsed = kombinationSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) pendingErrors.push(...issuesToErrors(parsed.error.issues, kombinationSchema));
  pendingErrors.push(...checkRaw(data));

  let spec: Spec | undefined;
  if (parsed.success) {
    spec = applyDefaults(parsed.data);
    pendingErrors.push(...buildModel(spec).errors);
  }
  const errors = sortErrors(dedupe(pendingErrors.map((e) => place(e, locate))));
  return errors.length === 0 && spec ? { spec, errors } : { errors };
}

function place(error: PendingError, locate: Locate | undefined): SpecError {
  const out: SpecError = { path: formatPath(error.path), code: error.code, message: error.message };
  if (locate) {
    const pos = locate(error.where ?? error.path, error.at);
    out.line = pos.line;
    out.column = pos.column;
  }
  return out;
}

function dedupe(errors: SpecError[]): SpecError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.path}\0${e.code}\0${e.message}\0${e.line}\0${e.column}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
