/**
 * Writes the published JSON Schemas (generated from the zod schema) to stackkits/schema/.
 * Run: `npm run build:schema -w stackkits` (or `node stackkits/scripts/build-schema.ts`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { schemaFiles } from '../src/spec/schema-files.ts';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'schema');
mkdirSync(dir, { recursive: true });
for (const [name, text] of Object.entries(schemaFiles())) {
  writeFileSync(join(dir, name), text);
  console.log(`wrote schema/${name}`);
}
