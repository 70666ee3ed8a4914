/**
 * A compose file against the official Compose Specification JSON Schema (vendored in schema/,
 * see schema/SOURCE.md), with @cfworker/json-schema: an interpreter, so it runs in a Worker
 * (which forbids generating code at run time) as well as in Node.
 *
 * A JSON Schema validator reports every branch of every `oneOf` it tried; what a person needs is
 * the one that applies. So: a `oneOf` branch rejected only for its type is dropped when another
 * branch had the right type (its errors are the real ones); when every branch was rejected for
 * its type, one "expected X or Y" is reported; wrapper errors (properties, $ref, items) go.
 */
import { type OutputUnit, type Schema, Validator } from '@cfworker/json-schema';
import type { PathSegments } from '../spec/errors.ts';
import composeSpec from './schema/compose-spec.json' with { type: 'json' };

export interface SchemaProblem {
  path: PathSegments;
  message: string;
  at: 'value' | 'key';
}

const validator = new Validator(composeSpec as unknown as Schema, '2019-09', false);
const wrappers = new Set([
  'properties',
  'patternProperties',
  '$ref',
  'items',
  'allOf',
  'false',
  'additionalItems',
]);

/** Problems of one compose document (already interpolated), or [] when it follows the schema. */
export function checkComposeSchema(data: unknown): SchemaProblem[] {
  const result = validator.validate(data);
  if (result.valid) return [];
  const errors = result.errors;
  const dropped = new Set<OutputUnit>();
  const merged = new Map<OutputUnit, string[]>();
  for (const e of errors) {
    if (e.keyword !== 'oneOf') continue;
    const prefix = `${e.keywordLocation}/`;
    const branches = new Map<string, OutputUnit[]>();
    for (const inner of errors) {
      if (!inner.keywordLocation.startsWith(prefix)) continue;
      const branch = inner.keywordLocation.slice(prefix.length).split('/')[0]!;
      const list = branches.get(branch);
      if (list) list.push(inner);
      else branches.set(branch, [inner]);
    }
    const typeOnly = (branch: string, list: OutputUnit[]) =>
      list.some(
        (u) =>
          u.instanceLocation === e.instanceLocation &&
          u.keyword === 'type' &&
          new RegExp(`^${escapeRegExp(prefix)}${branch}(?:/\\$ref)*/type$`).test(u.keywordLocation),
      );
    const rejected = [...branches].filter(([b, list]) => typeOnly(b, list));
    for (const [, list] of rejected) for (const u of list) dropped.add(u);
    if (rejected.length === branches.size) {
      merged.set(
        e,
        rejected.flatMap(([, list]) =>
          list
            .filter((u) => u.keyword === 'type')
            .map((u) => /Expected "?([^".]+)"?/.exec(u.error)?.[1] ?? 'another type'),
        ),
      );
    } else dropped.add(e);
  }
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (dropped.has(e) || wrappers.has(e.keyword)) continue;
    if (e.keyword === 'oneOf' && !merged.has(e)) continue;
    const path = segments(data, e.instanceLocation);
    const value = valueAt(data, path);
    let problem: SchemaProblem;
    if (e.keyword === 'additionalProperties') {
      const key = /Property "(.+)" does not match additional properties/.exec(e.error)?.[1] ?? '?';
      problem = { path: [...path, key], message: `unknown field "${key}"${where(path)}`, at: 'key' };
    } else if (e.keyword === 'oneOf' || e.keyword === 'type') {
      const expected = merged.get(e) ?? [/Expected "?([^".]+)"?/.exec(e.error)?.[1] ?? 'another type'];
      problem = {
        path,
        message: `expected ${[...new Set(expected)].join(' or ')}, got ${describe(value)}`,
        at: 'value',
      };
    } else if (e.keyword === 'required') {
      problem = { path, message: e.error.replace('Instance does not have', 'missing'), at: 'value' };
    } else {
      problem = { path, message: e.error, at: 'value' };
    }
    const key = `${problem.path.join('\0')}\0${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem);
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function where(path: PathSegments): string {
  if (path.length === 0)
    return ' at the top level; Compose knows version, name, include, services, networks, volumes, secrets, configs and x- extensions';
  if (path.length === 2 && path[0] === 'services') return ' in a service';
  return '';
}

/** `#/services/web/ports/0` → ['services', 'web', 'ports', 0] (numbers where the data is a list). */
function segments(data: unknown, pointer: string): (string | number)[] {
  const raw = pointer.replace(/^#\/?/, '');
  if (raw === '') return [];
  const out: (string | number)[] = [];
  let node = data;
  for (const part of raw.split('/')) {
    let key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    try {
      key = decodeURIComponent(key);
    } catch {}
    if (Array.isArray(node) && /^\d+$/.test(key)) {
      out.push(Number(key));
      node = node[Number(key)];
    } else {
      out.push(key);
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return out;
}

function valueAt(data: unknown, path: PathSegments): unknown {
  let node = data;
  for (const part of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

function describe(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 37)}…` : text}`;
}
