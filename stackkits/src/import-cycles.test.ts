/**
 * No import cycles in stackkits (issue 14): dpdm walks every module from every source file and
 * lists the cycles. Type-only imports count too: a cycle through types still means two modules
 * that cannot be read, or moved, one without the other. Also the layering the README states:
 * the spec (src/spec/) never imports from the layers built on it (base/).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCircular, parseDependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const folders = ['src', 'base', 'platforms', 'base-homelab', 'modern-homelab', 'ha-homelab', 'apps'];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const files = folders.flatMap((f) => {
  try {
    return sources(join(root, f));
  } catch {
    return [];
  }
});

describe('imports', () => {
  it('form no cycles (type-only imports included)', { timeout: 120_000 }, async () => {
    const tree = await parseDependencyTree(
      files.map((f) => relative(root, f)),
      {
        cwd: root,
        context: root,
        transform: false,
        skipDynamicImports: false,
        include: /\.ts$/,
        exclude: /node_modules/,
      },
    );
    expect(Object.keys(tree).length).toBeGreaterThanOrEqual(files.length);
    expect(parseCircular(tree).map((cycle) => cycle.join(' -> '))).toEqual([]);
  });

  it('of src/spec never reach into base/', () => {
    const offenders = sources(join(root, 'src', 'spec')).filter((f) =>
      /from '\.\.\/\.\.\/base\//.test(readFileSync(f, 'utf8')),
    );
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });
});
