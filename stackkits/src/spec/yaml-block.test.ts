/**
 * The fast block reader against the full `yaml` reader: wherever the fast one accepts a text, the
 * data and every position must be the same. Inputs: the examples, the starter specs, hand-picked
 * edge cases, and thousands of mutations of them (seeded, so a failure reproduces).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { starterSpec } from '../cli/starter.ts';
import { listKits } from '../kit/registry.ts';
import type { PathSegments } from './errors.ts';
import { readBlockYaml } from './yaml-block.ts';
import { readYaml, readYamlDocument } from './yaml-source.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const examples = readdirSync(join(root, 'examples'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => readFileSync(join(root, 'examples', f), 'utf8'));
const starters = listKits().flatMap((k) =>
  k.variants.map((v) => starterSpec({ kit: k.name, variant: v.name, name: 'lab' })),
);

/** Every path in the data, plus a missing child under each mapping and sequence. */
function paths(value: unknown, prefix: PathSegments = []): PathSegments[] {
  const out: PathSegments[] = [prefix];
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) out.push(...paths(item, [...prefix, i]));
    out.push([...prefix, value.length], [...prefix, 'x']);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
    out.push([...prefix, 'missing'], [...prefix, 0]);
  } else {
    out.push([...prefix, 'below']);
  }
  return out;
}

/** Keys whose values are empty are absent from the data but still in the text. */
function keysInText(text: string): string[] {
  return [...text.matchAll(/^\s*(?:- )?([A-Za-z_][\w./-]*):/gm)].map((m) => m[1]!);
}

/** Asserts parity when the fast reader accepts; returns whether it did. */
function same(text: string): boolean {
  const fast = readBlockYaml(text);
  if (!fast) return false;
  const full = readYamlDocument(text);
  expect(full.errors, `the full reader rejects a text the fast one accepted:\n${text}`).toEqual([]);
  const mine = readYaml(text);
  expect(mine.data, text).toEqual(full.data);
  expect(Object.keys(mine.data as object), text).toEqual(Object.keys(full.data as object));
  const extra = keysInText(text).map((k) => [k] as PathSegments);
  for (const path of [...paths(full.data), ...extra]) {
    for (const at of ['value', 'key'] as const) {
      expect(mine.locate(path, at), `${JSON.stringify(path)} ${at} in:\n${text}`).toEqual(
        full.locate(path, at),
      );
    }
  }
  return true;
}

const edgeCases = [
  'name: lab\nnodes:\n- name: a\n  type: main\n',
  'name: lab\nnodes:\n  - name: a\n    ports:\n    - container: 80\n      host: 8080\n    type: main\n',
  '# comment\n\nname: lab   # trailing\nversion: "1.0"\nkit:\nvariant: ~\nnodes:\n  -\n    name: a\n    type: main\n',
  'name: \'lab\'\n"nodes":\n  - { name: a, type: main }\n',
  'name: lab\nnodes:\n  - name: a\n    type: main\n    labels:\n      kombify.role: db\n      a/b: "x y"\n      n: 007\n      neg: -5\n      t: True\n      f: FALSE\n      z: null\n',
  'name: lab\nlist: [a, b , c]\nempty: []\nnums: [1, -2, true, null]\n',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${…} in YAML text.
  'name: lab\nurl: http://x:8080/#frag\nexpr: ${VAR}\nq: it\'s "fine"\n',
  '  name: indented\n  nodes:\n    - name: a\n',
  'name: x\nname: y\n',
  'name: lab\nversion: 1.0\n',
  'name: lab\ncmd: [wget, -q, http://x]\n',
  'name: lab\na: b: c\n',
  'name: lab\nnodes:\n- a\n- - b\n',
  'name: lab\nmulti: one\n  two\n',
  'name: lab\n--- \n',
  'name: &a lab\nother: *a\n',
  'name: lab\nblock: |\n  text\n',
  'name: lab\nhex: 0x1F\noct: 0o17\nbig: 12345678901234567890\nexp: 1e3\ninf: .inf\n',
  'name: lab\n__proto__: x\n',
  'name: lab\n"1BAD": x\n',
  'name: lab\nkey:\n',
  'name: lab\nempty_item:\n  -\n  - a\n',
  'name: lab\r\nnodes: []\r\n',
  'name:\tlab\n',
  'name: lab\ns: "a\\"b"\n',
  "name: lab\ns: 'a''b'\n",
  '- a\n- b\n',
  '',
  '# only a comment\n',
];

describe('readBlockYaml', () => {
  it('reads every example and starter spec and agrees with the full reader', () => {
    const block = [...examples, ...starters].filter((t) => !/\{ /.test(t));
    for (const text of block) expect(same(text), text).toBe(true);
  });

  it('agrees with the full reader on edge cases, or leaves them to it', () => {
    const accepted = edgeCases.filter(same);
    // The common shapes are accepted; the rest fall back.
    expect(accepted.length).toBeGreaterThanOrEqual(6);
    expect(readBlockYaml('name: x\nname: y\n')).toBeUndefined();
    expect(readBlockYaml('name: lab\nversion: 1.0\n')).toBeUndefined();
    expect(readBlockYaml('name: &a lab\n')).toBeUndefined();
  });

  it('agrees with the full reader on mutated specs', () => {
    const seeds = [...examples, ...starters, ...edgeCases.slice(0, 7)];
    const tokens = [
      ' ',
      '  ',
      '-',
      '- ',
      ':',
      ': ',
      '#',
      ' #',
      '"',
      "'",
      '[',
      ']',
      '{',
      '}',
      ',',
      '~',
      'null',
      'true',
      'TRUE',
      '1.0',
      '0x1F',
      '-5',
      '007',
      '\n',
      '\n  ',
      '\n- ',
      'a: b',
      '&x ',
      '*x',
      '!!str ',
      '|',
      '>',
      '?',
      '%',
      '@',
      '`',
      '\\',
      'é',
      '__proto__',
      'key:',
      '.inf',
      '1e3',
      '+1',
      '12345678901234567',
    ];
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 4 }), fc.constantFrom(...tokens), fc.nat({ max: 3 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (seed, edits) => {
          let text = seed;
          for (const [at, kind, token, n] of edits) {
            const i = text.length === 0 ? 0 : at % text.length;
            if (kind === 0) text = text.slice(0, i) + token + text.slice(i);
            else if (kind === 1) text = text.slice(0, i) + text.slice(i + 1 + n);
            else if (kind === 2) text = text.slice(0, i) + token + text.slice(i + token.length);
            else {
              const lines = text.split('\n');
              const l = at % lines.length;
              lines[l] = kind === 3 ? ' '.repeat(n + 1) + lines[l] : lines[l]!.replace(/^ {1,2}/, '');
              text = lines.join('\n');
            }
          }
          if (same(text)) accepted += 1;
        },
      ),
      { seed: 4242, numRuns: 3000 },
    );
    // A good share of the mutations stay within the subset, so the comparison means something.
    expect(accepted).toBeGreaterThan(300);
  });

  it('agrees with the full reader on YAML the yaml package writes from random data', () => {
    let accepted = 0;
    const key = fc.oneof(fc.string({ maxLength: 8 }), fc.stringMatching(/^[a-z_][a-z0-9_.-]{0,8}$/));
    fc.assert(
      fc.property(fc.dictionary(key, fc.jsonValue({ maxDepth: 4 }), { maxKeys: 6 }), (obj) => {
        if (same(stringify({ name: 'lab', ...obj }))) accepted += 1;
      }),
      { seed: 77, numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(200);
  });
});
