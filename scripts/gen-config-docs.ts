/** `npm run gen:docs`: writes the edge's configuration table into docs/configuration.md. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigTable, withConfigTable } from './lib/config-docs.ts';
import { repoRoot } from './lib/service.ts';

const page = join(repoRoot, 'docs/configuration.md');
const before = readFileSync(page, 'utf8');
const after = withConfigTable(before, renderConfigTable(repoRoot));
if (after !== before) writeFileSync(page, after);
process.stdout.write(`docs/configuration.md ${after === before ? 'is current' : 'written'}\n`);
