/**
 * A fast reader for the plain block YAML almost every kombination.yaml is written in, used before
 * the full `yaml` parser (yaml-source.ts). The `yaml` package builds a CST and a Document for
 * every file (about 1 ms per KB: 60 ms for a 100-node spec); this reader goes line by line and
 * builds the data and a small position tree directly (well under 1 ms per 10 KB).
 *
 * It is deliberately conservative: anything outside the subset below makes it return undefined and
 * the full parser reads the text instead, so it never has to reproduce an error message, and on
 * what it accepts it yields exactly the data and positions the full path yields (a differential
 * test checks that on examples and thousands of mutated texts).
 *
 * The subset: block mappings and block sequences (also a sequence at its key's indent, and compact
 * `- key: value` mappings), comments and blank lines; keys that are plain words
 * (`[A-Za-z_][A-Za-z0-9_./-]*`, not null/true/false) or quoted without escapes; values that are
 * single-line plain scalars, quoted scalars without escapes, or one-line flow sequences of plain
 * words. Scalars resolve by the YAML 1.2 core schema as the `yaml` package does (null, booleans,
 * decimal integers); a plain value that would be a float, an octal or hex integer, or a big
 * integer is left to the full parser. Refused outright: tabs, CR, control and Unicode line
 * separator characters, BOM, document markers and directives, anchors, aliases, tags, block
 * scalars, flow mappings, multi-line scalars, duplicate keys, `__proto__`, empty sequence items.
 */
import type { PathSegments } from './errors.ts';

/** Mirrors the parts of the `yaml` Document the position lookup reads. */
type PosNode = PosMap | PosSeq | PosScalar;

interface PosMap {
  kind: 'map';
  offset: number;
  pairs: Map<string, { keyOffset: number; value: PosNode | null }>;
}

interface PosSeq {
  kind: 'seq';
  offset: number;
  items: PosNode[];
}

interface PosScalar {
  kind: 'scalar';
  offset: number;
  isNull: boolean;
}

export interface BlockYaml {
  data: Record<string, unknown>;
  /** Offset of the value at `path` (same rules as the full path's lookup). */
  locateOffset(path: PathSegments, at: 'value' | 'key'): number;
}

/** Thrown inside the reader to give up; never escapes it. */
class Unsupported extends Error {}
const unsupported = new Unsupported();

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is its job.
const refusedChars = /[\t\r\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;
const keyPattern = /[A-Za-z_][A-Za-z0-9_./-]*/y;
const reservedKeys = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE']);
const flowItemPattern = /^[A-Za-z0-9_./@][A-Za-z0-9_./@+=-]*$/;
// The core schema's tests, as in yaml/dist/schema (null, bool, int, intOct, intHex, floats).
const nullTest = /^(?:~|[Nn]ull|NULL)?$/;
const boolTest = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const intTest = /^[-+]?[0-9]+$/;
const safeInt = /^-?[0-9]{1,15}$/;
const otherNumberTests = [
  /^0o[0-7]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];
/** Characters a plain scalar cannot start with (YAML c-indicator), plus the ones left to `yaml`. */
const indicators = new Set([
  '-',
  '?',
  ':',
  ',',
  '[',
  ']',
  '{',
  '}',
  '#',
  '&',
  '*',
  '!',
  '|',
  '>',
  "'",
  '"',
  '%',
  '@',
  '`',
]);

/** Same limits as the full reader (yaml-source.ts): over them, the full reader reports the error. */
const maxValues = 250_000;
const maxDepth = 256;

/** Plain scalar text → value by the core schema; undefined for what is left to `yaml`. */
function resolvePlain(s: string): unknown {
  if (nullTest.test(s)) return null;
  if (boolTest.test(s)) return s[0] === 't' || s[0] === 'T';
  if (intTest.test(s)) {
    if (!safeInt.test(s)) throw unsupported;
    return Number.parseInt(s, 10);
  }
  for (const test of otherNumberTests) if (test.test(s)) throw unsupported;
  return s;
}

class Reader {
  private readonly text: string;
  /** Meaningful (non-blank, non-comment) lines: indent, content start and end offsets. */
  private readonly indent: number[] = [];
  private readonly start: number[] = [];
  private readonly end: number[] = [];
  private line = 0;
  private values = 0;

  constructor(text: string) {
    this.text = text;
    let pos = 0;
    while (pos <= text.length) {
      let eol = text.indexOf('\n', pos);
      if (eol < 0) eol = text.length;
      let p = pos;
      while (p < eol && text.charCodeAt(p) === 32) p++;
      if (p < eol && text[p] !== '#') {
        if (p === pos && (text.startsWith('---', p) || text.startsWith('...', p) || text[p] === '%')) {
          throw unsupported;
        }
        let e = eol;
        while (e > p && text.charCodeAt(e - 1) === 32) e--;
        this.indent.push(p - pos);
        this.start.push(p);
        this.end.push(e);
      }
      pos = eol + 1;
    }
  }

  read(): { data: Record<string, unknown>; tree: PosNode } {
    if (this.indent.length === 0 || this.isSeqItem(0)) throw unsupported;
    const { data, node } = this.block(0);
    if (this.line !== this.indent.length) throw unsupported;
    return { data: data as Record<string, unknown>, tree: node };
  }

  private count(): void {
    if (++this.values >= maxValues) throw unsupported;
  }

  private isSeqItem(i: number): boolean {
    const s = this.start[i]!;
    return this.text[s] === '-' && (s + 1 === this.end[i] || this.text[s + 1] === ' ');
  }

  /** The block node starting at the current line. */
  private block(depth: number): { data: unknown; node: PosNode } {
    if (depth > maxDepth) throw unsupported;
    return this.isSeqItem(this.line)
      ? this.seq(this.indent[this.line]!, depth)
      : this.map(this.indent[this.line]!, this.start[this.line]!, depth);
  }

  /** A key at p on the current line: [key, offset after the `:`], or undefined if there is none. */
  private key(p: number): [string, number] | undefined {
    const { text } = this;
    const e = this.end[this.line]!;
    let key: string;
    let after: number;
    const q = text[p];
    const quoted = q === '"' || q === "'";
    if (quoted) {
      const close = text.indexOf(q, p + 1);
      if (close < 0 || close >= e) return undefined;
      key = text.slice(p + 1, close);
      after = close + 1;
    } else {
      keyPattern.lastIndex = p;
      const m = keyPattern.exec(text);
      if (!m) return undefined;
      key = m[0];
      after = p + key.length;
    }
    if (text[after] !== ':' || (after + 1 < e && text[after + 1] !== ' ')) return undefined;
    // It is a key; give up on the ones the full parser reads differently or must refuse.
    if (quoted ? key.includes('\\') : reservedKeys.has(key)) throw unsupported;
    if (key === '__proto__') throw unsupported;
    return [key, after + 1];
  }

  private map(indent: number, first: number, depth: number): { data: unknown; node: PosMap } {
    const data: Record<string, unknown> = {};
    const node: PosMap = { kind: 'map', offset: first, pairs: new Map() };
    let p = first;
    for (;;) {
      const found = this.key(p);
      if (!found) throw unsupported;
      const [key, after] = found;
      if (node.pairs.has(key)) throw unsupported;
      const e = this.end[this.line]!;
      let v = after;
      while (v < e && this.text.charCodeAt(v) === 32) v++;
      this.count();
      let value: unknown = null;
      let valueNode: PosNode | null = null;
      if (v === e || this.text[v] === '#') {
        this.line++;
        if (this.line < this.indent.length) {
          const next = this.indent[this.line]!;
          if (next > indent) ({ data: value, node: valueNode } = this.block(depth + 1));
          else if (next === indent && this.isSeqItem(this.line))
            ({ data: value, node: valueNode } = this.seq(indent, depth + 1));
        }
      } else {
        ({ data: value, node: valueNode } = this.inline(v, e));
        this.line++;
        if (this.line < this.indent.length && this.indent[this.line]! > indent) throw unsupported;
      }
      node.pairs.set(key, { keyOffset: p, value: valueNode });
      if (value !== null) data[key] = value;
      if (this.line >= this.indent.length || this.indent[this.line] !== indent || this.isSeqItem(this.line))
        break;
      p = this.start[this.line]!;
    }
    return { data, node };
  }

  private seq(indent: number, depth: number): { data: unknown; node: PosSeq } {
    const data: unknown[] = [];
    const node: PosSeq = { kind: 'seq', offset: this.start[this.line]!, items: [] };
    const { text } = this;
    while (this.line < this.indent.length && this.indent[this.line] === indent && this.isSeqItem(this.line)) {
      const e = this.end[this.line]!;
      let c = this.start[this.line]! + 1;
      while (c < e && text.charCodeAt(c) === 32) c++;
      this.count();
      let item: { data: unknown; node: PosNode };
      if (c === e || text[c] === '#') {
        this.line++;
        if (this.line >= this.indent.length || this.indent[this.line]! <= indent) throw unsupported;
        item = this.block(depth + 1);
      } else if (text[c] === '-' && (c + 1 === e || text[c + 1] === ' ')) {
        throw unsupported;
      } else if (this.key(c)) {
        const column = c - (this.start[this.line]! - this.indent[this.line]!);
        item = this.map(column, c, depth + 1);
      } else {
        item = this.inline(c, e);
        this.line++;
        if (this.line < this.indent.length && this.indent[this.line]! > indent) throw unsupported;
      }
      data.push(item.data);
      node.items.push(item.node);
    }
    return { data, node };
  }

  /** Where a value ends: the end of the line, or a comment after at least one space. */
  private rest(from: number, e: number): void {
    if (from === e) return;
    if (this.text[from] !== ' ') throw unsupported;
    let p = from;
    while (p < e && this.text.charCodeAt(p) === 32) p++;
    if (p < e && this.text[p] !== '#') throw unsupported;
  }

  /** A value on the rest of the line from v. */
  private inline(v: number, e: number): { data: unknown; node: PosNode } {
    const { text } = this;
    const ch = text[v]!;
    if (ch === '"' || ch === "'") {
      const close = text.indexOf(ch, v + 1);
      if (close < 0 || close >= e) throw unsupported;
      const s = text.slice(v + 1, close);
      if ((ch === '"' && s.includes('\\')) || (ch === "'" && text[close + 1] === "'")) throw unsupported;
      this.rest(close + 1, e);
      return { data: s, node: { kind: 'scalar', offset: v, isNull: false } };
    }
    if (ch === '[') return this.flowSeq(v, e);
    // A comment starts at " #"; search this line only (searching the text would be quadratic).
    const raw = text.slice(v, e);
    const hash = raw.indexOf(' #');
    const s = (hash < 0 ? raw : raw.slice(0, hash)).replace(/ +$/, '');
    if (indicators.has(ch) && !(ch === '-' && safeInt.test(s))) throw unsupported;
    if (s.includes(': ') || s.endsWith(':')) throw unsupported;
    const value = resolvePlain(s);
    return { data: value, node: { kind: 'scalar', offset: v, isNull: value === null } };
  }

  private flowSeq(v: number, e: number): { data: unknown; node: PosSeq } {
    const { text } = this;
    const close = text.indexOf(']', v);
    if (close < 0 || close >= e) throw unsupported;
    this.rest(close + 1, e);
    const data: unknown[] = [];
    const node: PosSeq = { kind: 'seq', offset: v, items: [] };
    const inner = text.slice(v + 1, close);
    if (inner.trim() === '') return { data, node };
    let offset = v + 1;
    for (const part of inner.split(',')) {
      let lead = 0;
      while (part.charCodeAt(lead) === 32) lead++;
      const s = part.slice(lead).replace(/ +$/, '');
      if (!flowItemPattern.test(s)) throw unsupported;
      this.count();
      const value = resolvePlain(s);
      data.push(value);
      node.items.push({ kind: 'scalar', offset: offset + lead, isNull: value === null });
      offset += part.length + 1;
    }
    return { data, node };
  }
}

function locate(tree: PosNode, path: PathSegments, at: 'value' | 'key'): number {
  let node: PosNode = tree;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    if (node.kind === 'map') {
      const pair = node.pairs.get(String(segment));
      if (!pair) return node.offset;
      const isLast = i === path.length - 1;
      const empty = pair.value === null || (pair.value.kind === 'scalar' && pair.value.isNull);
      if ((isLast && at === 'key') || empty) return pair.keyOffset;
      node = pair.value!;
    } else if (node.kind === 'seq' && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) return node.offset;
      node = item;
    } else {
      return node.offset;
    }
  }
  return node.offset;
}

/** Reads text in the supported subset; undefined when the full parser must read it. */
export function readBlockYaml(text: string): BlockYaml | undefined {
  if (refusedChars.test(text)) return undefined;
  try {
    const { data, tree } = new Reader(text).read();
    return { data, locateOffset: (path, at) => locate(tree, path, at) };
  } catch (error) {
    if (error === unsupported) return undefined;
    throw error;
  }
}
