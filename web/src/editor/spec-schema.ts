/**
 * Reading the kombination JSON Schema (draft-07, generated from the stackkits zod schema) for the
 * editor: the schema at a path, the keys a mapping may have, the values a field may take, and a
 * field's documentation. Only what that generator emits is understood: `properties`, `items`,
 * `additionalProperties`, `anyOf`, `enum`, `const`, `default`, `description`, `required`.
 */
import type { PathSegment } from './yaml-context.ts';

/** The part of a JSON Schema the editor reads. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  enum?: readonly unknown[];
  const?: unknown;
  default?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}

/** The alternatives a schema stands for (`anyOf` flattened). */
function alternatives(schema: JsonSchema): JsonSchema[] {
  return schema.anyOf ? schema.anyOf.flatMap(alternatives) : [schema];
}

const merge = (found: JsonSchema[]): JsonSchema | undefined =>
  found.length === 0 ? undefined : found.length === 1 ? found[0] : { anyOf: found };

/** The schema of what is at `path` under `root`, or undefined where the schema says nothing. */
export function schemaAt(root: JsonSchema, path: readonly PathSegment[]): JsonSchema | undefined {
  let here: JsonSchema | undefined = root;
  for (const seg of path) {
    if (!here) return undefined;
    const found: JsonSchema[] = [];
    for (const alt of alternatives(here)) {
      if (typeof seg === 'number') {
        if (alt.items) found.push(alt.items);
      } else if (alt.properties?.[seg]) {
        found.push(alt.properties[seg]);
      } else if (typeof alt.additionalProperties === 'object') {
        found.push(alt.additionalProperties);
      }
    }
    here = merge(found);
  }
  return here;
}

/** A key a mapping may have. */
export interface KeyOption {
  name: string;
  schema: JsonSchema;
  required: boolean;
}

/** The declared keys of the mapping `schema` describes, required ones first, in schema order. */
export function keysOf(schema: JsonSchema | undefined): KeyOption[] {
  if (!schema) return [];
  const keys = new Map<string, KeyOption>();
  for (const alt of alternatives(schema)) {
    for (const [name, sub] of Object.entries(alt.properties ?? {})) {
      if (!keys.has(name)) keys.set(name, { name, schema: sub, required: !!alt.required?.includes(name) });
    }
  }
  return [...keys.values()].sort((a, b) => Number(b.required) - Number(a.required));
}

/** A value a field may take, written as YAML. */
export interface ValueOption {
  /** The YAML text to insert (quoted when YAML would read it as another type). */
  text: string;
  /** What this value means, when the schema says. */
  info?: string;
  isDefault: boolean;
}

/** The values a scalar field offers: its enum or const, booleans, or its default. */
export function valuesOf(schema: JsonSchema | undefined): ValueOption[] {
  if (!schema) return [];
  const out = new Map<string, ValueOption>();
  const add = (value: unknown, alt: JsonSchema) => {
    if (value === '' || value === null || typeof value === 'object') return;
    const text = yamlScalar(value);
    const info = valueInfo(alt.description, String(value)) ?? valueInfo(schema.description, String(value));
    if (!out.has(text)) out.set(text, { text, isDefault: alt.default === value, ...(info ? { info } : {}) });
  };
  for (const alt of alternatives(schema)) {
    for (const v of alt.enum ?? []) add(v, alt);
    if (alt.const !== undefined) add(alt.const, alt);
    if (typesOf(alt).includes('boolean')) {
      add(true, alt);
      add(false, alt);
    }
  }
  for (const alt of alternatives(schema)) {
    if (alt.default !== undefined && !out.has(yamlScalar(alt.default))) add(alt.default, alt);
    else if (alt.default !== undefined) out.get(yamlScalar(alt.default))!.isDefault = true;
  }
  return [...out.values()];
}

/**
 * A description like "default: one server; minimal: no extras" documents each value: the part
 * for `value`, if the description is written that way.
 */
function valueInfo(description: string | undefined, value: string): string | undefined {
  const part = description?.split('; ').find((p) => p.startsWith(`${value}: `));
  return part?.slice(value.length + 2);
}

function typesOf(schema: JsonSchema): string[] {
  return schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
}

/** A scalar as YAML text: strings YAML would read as a number, boolean or null are quoted. */
export function yamlScalar(value: unknown): string {
  if (typeof value !== 'string') return String(value);
  const plain =
    value !== '' &&
    !/^(?:[-+]?(?:\d[\d_]*)?\.?\d+(?:e[-+]?\d+)?|true|false|yes|no|on|off|null|~)$/i.test(value) &&
    !/^[\s\-?:,[\]{}#&*!|>'"%@`]|:\s|\s#|\s$/.test(value);
  return plain ? value : JSON.stringify(value);
}

/** What a value of this field is, in a few words: `string`, `integer 1–65535`, `list`, … */
export function shapeWords(schema: JsonSchema): string {
  const words = new Set<string>();
  for (const alt of alternatives(schema)) {
    const types = typesOf(alt);
    const choices = alt.enum?.filter((v) => v !== '').length ?? 0;
    if (choices) words.add(`one of ${choices} values`);
    else if (types.includes('array')) words.add('list');
    else if (types.includes('object')) words.add('mapping');
    else if (types.includes('integer') || types.includes('number')) {
      const range =
        alt.minimum !== undefined && alt.maximum !== undefined ? ` ${alt.minimum}–${alt.maximum}` : '';
      words.add(`${types.includes('integer') ? 'integer' : 'number'}${range}`);
    } else if (types.length) words.add(types.join(' or '));
  }
  return [...words].join(' or ') || 'any value';
}

/** A field's documentation as plain text lines: what it is, its description, values, default. */
export function describeField(name: string, schema: JsonSchema, required: boolean): string[] {
  const lines = [`${name}${required ? ' (required)' : ''}: ${shapeWords(schema)}`];
  const description = alternatives(schema)
    .map((a) => a.description)
    .find(Boolean);
  if (description ?? schema.description) lines.push((description ?? schema.description)!);
  const listed = alternatives(schema).flatMap((a) => [
    ...(a.enum ?? []),
    ...(a.const !== undefined ? [a.const] : []),
  ]);
  const values = [...new Set(listed.filter((v) => v !== '' && typeof v !== 'object').map(yamlScalar))];
  if (values.length) lines.push(`Values: ${values.join(', ')}`);
  const fallback = alternatives(schema).find((a) => a.default !== undefined)?.default;
  if (fallback !== undefined && typeof fallback !== 'object') lines.push(`Default: ${yamlScalar(fallback)}`);
  return lines;
}

/** Whether `name` is a required key of the mapping `parent` describes. */
export function isRequired(parent: JsonSchema | undefined, name: string): boolean {
  return !!parent && alternatives(parent).some((a) => a.required?.includes(name));
}
