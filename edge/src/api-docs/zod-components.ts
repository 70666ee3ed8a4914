/**
 * zod schemas as JSON Schema 2020-12 (what OpenAPI 3.1 uses) with zod's own converter
 * (`z.toJSONSchema`). The shapes the web parses (`@kombify/proto/api`) become named components, so
 * the document says "a worker" once; everything else is inlined where it is used.
 */
import * as api from '@kombify/proto/api';
import { z } from 'zod';
import type { JsonSchema } from '../platform/openapi/proto-schema.ts';

const named = z.registry<{ id: string }>();
for (const [name, value] of Object.entries(api)) {
  if (value instanceof z.ZodType && !named.has(value)) named.add(value, { id: name });
}

export class ZodComponents {
  readonly components: Record<string, JsonSchema> = {};
  private anonymous = 0;

  /**
   * The JSON Schema of `schema` as what it accepts (zod's `input`), for requests and answers alike:
   * an answer's schema is the one a client parses it with, and a default or a transform on the way
   * in must not turn into a promise about what is sent.
   */
  schema(schema: z.ZodType): JsonSchema {
    const json = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io: 'input',
      unrepresentable: 'any',
      metadata: named,
      cycles: 'ref',
      reused: 'inline',
    }) as JsonSchema;
    const { $schema: _, $defs, ...root } = json;
    // Each conversion has its own `$defs`; they move into `components.schemas` under names that
    // stay unique across conversions (two schemas may carry one name).
    const renamed = new Map<string, string>();
    const defs = ($defs ?? {}) as Record<string, JsonSchema>;
    for (const [name, def] of Object.entries(defs)) {
      let target = name.startsWith('__') ? `anonymous${++this.anonymous}` : name;
      const existing = this.components[target];
      if (existing && JSON.stringify(existing) !== JSON.stringify(def))
        target = `${target}_${++this.anonymous}`;
      renamed.set(name, target);
    }
    const fix = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(fix);
      if (value === null || typeof value !== 'object') return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/'))
          out[k] = `#/components/schemas/${renamed.get(v.slice('#/$defs/'.length)) ?? v}`;
        else if (k === '$ref' && v === '#') out[k] = '#/components/schemas/__root__';
        else out[k] = fix(v);
      }
      return out;
    };
    for (const [name, def] of Object.entries(defs)) {
      const target = renamed.get(name) ?? name;
      this.components[target] ??= fix(def) as JsonSchema;
    }
    const fixedRoot = fix(root) as JsonSchema;
    if (JSON.stringify(fixedRoot).includes('#/components/schemas/__root__')) {
      // A schema that refers to itself: it becomes a component so the reference has a target.
      const name = `anonymous${++this.anonymous}`;
      this.components[name] = JSON.parse(
        JSON.stringify(fixedRoot).replaceAll('#/components/schemas/__root__', `#/components/schemas/${name}`),
      );
      return { $ref: `#/components/schemas/${name}` };
    }
    return fixedRoot;
  }
}
