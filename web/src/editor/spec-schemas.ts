/**
 * Which JSON Schema the editor reads for a document: a kit's own schema once `kit:` names one
 * (it knows that kit's variants and OS list, and documents each variant), else the whole spec's.
 * Both come from `@kombify/stackkits/schema/`, generated from the zod schema the edge validates
 * with, so the editor never offers what the edge would refuse. The kit schemas are small separate
 * chunks, fetched when the editor starts.
 */

import type { KitName } from '@kombify/stackkits';
import kombination from '@kombify/stackkits/schema/kombination.schema.json';
import type { JsonSchema } from './spec-schema.ts';

/** The spec's schema: every kit, every variant. */
export const specSchema = kombination as JsonSchema;

/** Typed by KitName, so a new kit without an entry here is a type error. */
const kitLoaders: Record<KitName, () => Promise<{ default: unknown }>> = {
  'base-homelab': () => import('@kombify/stackkits/schema/base-homelab.schema.json'),
  'modern-homelab': () => import('@kombify/stackkits/schema/modern-homelab.schema.json'),
  'ha-homelab': () => import('@kombify/stackkits/schema/ha-homelab.schema.json'),
};

const kitSchemas = new Map<string, JsonSchema>();
let loading: Promise<void> | undefined;

/** Fetches the kit schemas once; resolves when they are there (or could not be fetched). */
export function loadKitSchemas(): Promise<void> {
  loading ??= Promise.all(
    Object.entries(kitLoaders).map(async ([name, load]) => {
      kitSchemas.set(name, (await load()).default as JsonSchema);
    }),
  ).then(
    () => undefined,
    () => undefined, // the spec's schema still serves; kit details are a refinement
  );
  return loading;
}

/** The kit a document names on its top-level `kit:` line, if any. */
export function kitOf(text: string): string | undefined {
  return /^kit:[ \t]*["']?([a-z0-9-]+)/m.exec(text)?.[1];
}

/** The schema to read for a document with this text. */
export function schemaFor(text: string): JsonSchema {
  const kit = kitOf(text);
  return (kit && kitSchemas.get(kit)) || specSchema;
}

/** A kit's summary (its schema's description), once the kit schemas are loaded. */
export function kitSummary(kit: string): string | undefined {
  return kitSchemas.get(kit)?.description;
}
