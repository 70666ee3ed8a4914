/**
 * The JSON Schema files published under stackkits/schema/: their names and exact text. Shared by
 * scripts/build-schema.ts (writes them) and the test that fails when a committed file is stale.
 */
import { kitSchema, specJsonSchema } from './json-schema.ts';
import { kitNames } from './vocabulary.ts';

export function schemaFiles(): Record<string, string> {
  const files: Record<string, string> = {
    'kombination.schema.json': text(specJsonSchema()),
  };
  for (const kit of kitNames) files[`${kit}.schema.json`] = text(kitSchema(kit));
  return files;
}

function text(schema: unknown): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
