/**
 * The library runs in a Cloudflare Worker as well as in Node: its modules (everything but tests,
 * scripts and the `stackkit` CLI in src/cli/, which is a Node program) must not import Node
 * built-ins or reach for Node globals.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const nodeOnly = join(root, 'src', 'cli');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (path === nodeOnly) return [];
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('runtime', () => {
  const files = ['src', 'base', 'platforms', 'base-homelab', 'modern-homelab', 'ha-homelab'].flatMap((d) =>
    sources(join(root, d)),
  );

  it('finds the library sources', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('keeps the Node-only CLI out of the library entry point', () => {
    const index = readFileSync(join(root, 'src', 'index.ts'), 'utf8');
    expect(index).not.toMatch(/from ['"]\.\/cli\//);
  });

  it.each(files.map((f) => relative(root, f)))('%s uses no Node built-ins', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    expect(text).not.toMatch(/from ['"](node:|fs['"]|path['"]|os['"]|child_process['"])/);
    expect(text).not.toMatch(/\b(process\.|Buffer\.|require\()/);
  });
});
