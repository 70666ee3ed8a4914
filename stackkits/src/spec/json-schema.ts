/**
 * The published JSON Schema of kombination.yaml, generated from the zod schema (so editors with the
 * YAML language server complete and check what validation accepts), and one schema per kit with
 * that kit's variants, OS list and node count.
 */
import { z } from 'zod';
import { kits } from '../kit/registry.ts';
import { kombinationSchema, nodeSchema, systemSchema } from './schema.ts';
import type { KitName } from './vocabulary.ts';

type JsonSchema = Record<string, unknown>;

/** Draft-07: the draft the YAML language server and most editors support best. */
const options = { io: 'input', target: 'draft-7' } as const;

export function specJsonSchema(): JsonSchema {
  return z.toJSONSchema(kombinationSchema, options) as JsonSchema;
}

/** The schema for one kit: `kit` fixed, its variants and OS list, its node count. */
export function kitSchema(name: KitName): JsonSchema {
  const kit = kits[name];
  const os = z.enum(kit.requirements.os as [string, ...string[]]);
  let nodes = z.array(
    nodeSchema.extend({ os: os.optional().meta({ description: 'Operating system; default system.os.' }) }),
  );
  nodes = nodes.min(kit.requirements.nodes.min);
  if (kit.requirements.nodes.max !== null) nodes = nodes.max(kit.requirements.nodes.max);
  const schema = kombinationSchema
    .extend({
      kit: z.literal(name).meta({ description: kit.summary }),
      variant: z
        .enum(kit.variants.map((v) => v.name) as [string, ...string[]])
        .optional()
        .meta({ description: kit.variants.map((v) => `${v.name}: ${v.summary}`).join('; ') }),
      nodes,
      system: systemSchema.extend({ os: os.default('ubuntu-24') }).prefault({}),
    })
    .meta({ title: `kombination.yaml (${name})`, description: kit.summary });
  return z.toJSONSchema(schema, options) as JsonSchema;
}
