/**
 * The shape issue 14 gave the edge, kept by a test: one folder per domain whose `index.ts` is its
 * surface for the rest of the edge (and `api.ts` its HTTP sub-app, which only app.ts mounts); no
 * path-prefix gates in app.ts; files under 400 lines. Platform is the plumbing every domain builds
 * on and imports no domain.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = dirname(fileURLToPath(import.meta.url));
const domains = readdirSync(src).filter((d) => statSync(join(src, d)).isDirectory());

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'migrations' ? [] : sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

const files = sources(src);
const domainOf = (file: string) => {
  const rel = relative(src, file);
  return rel.includes(sep) ? rel.split(sep)[0]! : null;
};
function imports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)].map((m) =>
    resolve(dirname(file), m[1]!),
  );
}

describe('edge layout', () => {
  it('has the domain folders and no layer folders', () => {
    for (const d of [
      'platform',
      'accounts',
      'workers',
      'jobs',
      'stacks',
      'tofu-state',
      'simulations',
      'billing',
    ])
      expect(domains).toContain(d);
    for (const layer of ['features', 'middleware', 'http', 'db', 'orchestrator'])
      expect(domains).not.toContain(layer);
  });

  it('reaches another domain only through its index.ts (app.ts mounts api.ts); platform imports no domain', () => {
    const wrong: string[] = [];
    for (const file of files.filter((f) => !f.endsWith('.test.ts'))) {
      const from = domainOf(file);
      for (const target of imports(file)) {
        const to = domainOf(target);
        if (!to || to === from || to === 'platform') continue;
        const inner = relative(join(src, to), target);
        const ok =
          inner === 'index.ts' || (from === null && (inner === 'api.ts' || /object\.ts$/.test(inner)));
        if (!ok || from === 'platform') wrong.push(`${relative(src, file)} → ${relative(src, target)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps app.ts to the global chain and the mounts', () => {
    const app = readFileSync(join(src, 'app.ts'), 'utf8');
    expect([...app.matchAll(/app\.use\('([^']+)'/g)].map((m) => m[1])).toEqual(['*', '*', '*', '*', '*']);
    expect([...app.matchAll(/app\.route\(/g)].length).toBeLessThanOrEqual(16);
  });

  it('has no source file over 400 lines', () => {
    const long = files
      .map((f) => ({ f: relative(src, f), lines: readFileSync(f, 'utf8').split('\n').length - 1 }))
      .filter((x) => x.lines > 400);
    expect(long).toEqual([]);
  });
});
