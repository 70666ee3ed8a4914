/**
 * The docs stay true (issue 23): the edge's configuration table is what the schema says (written
 * by `npm run gen:docs`), every relative link in the README and docs/ reaches a file of the repo,
 * no page names a path of one machine, and the README stays short enough to read in two minutes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { END, renderConfigTable, START, withConfigTable } from './lib/config-docs.ts';
import { repoRoot } from './lib/service.ts';

const pages = [
  'README.md',
  'stackkits/README.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const read = (page: string) => readFileSync(join(repoRoot, page), 'utf8');

/** [text](target) links outside code spans and fences, with their line. */
function links(text: string): { target: string; line: number }[] {
  const out: { target: string; line: number }[] = [];
  let fenced = false;
  text.split('\n').forEach((raw, i) => {
    if (raw.trimStart().startsWith('```')) fenced = !fenced;
    if (fenced) return;
    const line = raw.replace(/`[^`]*`/g, '');
    for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) out.push({ target: m[1]!, line: i + 1 });
  });
  return out;
}

describe('docs', () => {
  it('has the configuration table the schema makes (npm run gen:docs)', () => {
    const page = read('docs/configuration.md');
    expect(page).toContain(START);
    expect(page).toContain(END);
    expect(withConfigTable(page, renderConfigTable(repoRoot))).toBe(page);
  });

  it('names every var of the schema in that table, each with a meaning', () => {
    const rows = renderConfigTable(repoRoot).split('\n').slice(2);
    expect(rows.length).toBeGreaterThanOrEqual(50);
    expect(rows.filter((r) => r.endsWith('|  |'))).toEqual([]);
  });

  it('links only to files that exist', () => {
    const broken: string[] = [];
    for (const page of pages) {
      for (const { target, line } of links(read(page))) {
        if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
        const file = target.split('#')[0]!;
        const path = join(repoRoot, dirname(page), file);
        if (!existsSync(path) || relative(repoRoot, path).startsWith('..'))
          broken.push(`${page}:${line} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
    expect(pages.length).toBeGreaterThanOrEqual(10);
  });

  it('names no path of one machine', () => {
    const found = pages.flatMap((page) =>
      read(page)
        .split('\n')
        .flatMap((l, i) =>
          /(^|[\s`(])\/(work|check|home|Users|tmp\/kombify)\//.test(l) ? [`${page}:${i + 1}`] : [],
        ),
    );
    expect(found).toEqual([]);
  });

  it('keeps the README under 12 KB', () => {
    expect(Buffer.byteLength(read('README.md'))).toBeLessThanOrEqual(12 * 1024);
  });
});
