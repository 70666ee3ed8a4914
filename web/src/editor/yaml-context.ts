/**
 * Where in a kombination.yaml a position is: the path of keys and sequence indexes above it, and
 * whether it is in a key or in a value. Read from indentation, line by line, because the text
 * being typed is usually not valid YAML yet (a half-written key, a value missing) and a parser
 * would give up exactly where completion is needed. Block style only, which is what the spec uses
 * and what the new-stack form writes; inside flow collections (`[…]`, `{…}`) or block scalars
 * (`|`, `>`) nothing is offered.
 */

/** A key name or a sequence index, as in `nodes[0].type` → `['nodes', 0, 'type']`. */
export type PathSegment = string | number;

/** One line's shape: where its `- ` markers and its key are. */
interface LineShape {
  /** Columns (0-based) of each `- ` sequence marker at the start of the line. */
  dashes: number[];
  /** Column where the line's content starts after the markers. */
  content: number;
  /** The key on this line, if it is `key:` or `key: value`. */
  key?: string;
  /** Column just after the key's colon. */
  afterColon?: number;
  /** The value after the colon, trimmed, comment removed ('' when none). */
  value: string;
  /** Nothing but spaces or a comment. */
  blank: boolean;
}

const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{[\-?:][^:#]*?|-[^\s:#][^:#]*?)\s*:(?=\s|$)/;

/** The shape of one line of YAML block style. */
export function shapeOf(line: string): LineShape {
  let i = 0;
  const dashes: number[] = [];
  for (;;) {
    while (line[i] === ' ') i++;
    if (line[i] === '-' && (line[i + 1] === ' ' || i + 1 === line.length)) {
      dashes.push(i);
      i += 1;
      continue;
    }
    break;
  }
  const rest = line.slice(i);
  const blank = rest.trim() === '' || rest.startsWith('#');
  const m = blank ? null : KEY.exec(rest);
  if (!m) return { dashes, content: i, value: blank ? '' : stripComment(rest), blank };
  const raw = m[1]!.trim();
  return {
    dashes,
    content: i,
    key: unquote(raw),
    afterColon: i + m[0].length,
    value: stripComment(rest.slice(m[0].length)),
    blank: false,
  };
}

function unquote(key: string): string {
  if (key.startsWith('"') && key.endsWith('"')) return key.slice(1, -1).replace(/\\(.)/g, '$1');
  if (key.startsWith("'") && key.endsWith("'")) return key.slice(1, -1).replaceAll("''", "'");
  return key;
}

function stripComment(text: string): string {
  const hash = text.search(/(^|\s)#/);
  return (hash === -1 ? text : text.slice(0, hash)).trim();
}

/** What a position in the document is. */
export interface YamlContext {
  /** Path of the mapping (for a key) or of the key whose value this is (for a value). */
  path: PathSegment[];
  /** In a key (or where a key may start), or in a value after `key:`, or a sequence entry. */
  kind: 'key' | 'value' | 'none';
  /** Column (0-based) where the word being typed starts on the cursor's line. */
  from: number;
  /** What has been typed of it so far. */
  prefix: string;
  /** Keys already present in the mapping the cursor's key belongs to (for `kind: 'key'`). */
  siblings: string[];
}

/**
 * The context at `column` (0-based) of line `row` (0-based) of `lines`. On a sequence entry with
 * no key yet (`- ma`) `kind` is `key` and the path ends with the entry's index: callers that find
 * no keys for an item there offer the items' values instead.
 */
export function contextAt(lines: readonly string[], row: number, column: number): YamlContext {
  const before = (lines[row] ?? '').slice(0, column);
  const shape = shapeOf(before);
  const none: YamlContext = { path: [], kind: 'none', from: column, prefix: '', siblings: [] };
  if (before.slice(shape.content).startsWith('#')) return none; // in a comment
  if (insideBlockScalar(lines, row, shape) || insideFlow(lines, row, before)) return none;

  const parents = parentPath(lines, row, shape.content, shape.dashes);
  if (shape.key !== undefined && shape.afterColon !== undefined) {
    const typed = before.slice(shape.afterColon);
    const from = shape.afterColon + (typed.length - typed.trimStart().length);
    const prefix = before.slice(from);
    if (/^["'[{|>&*!]/.test(prefix) || /\s#/.test(` ${prefix}`)) return none;
    return { path: [...parents, shape.key], kind: 'value', from, prefix, siblings: [] };
  }
  const word = before.slice(shape.content);
  if (/\s/.test(word) || /^["'[{|>&*!#]/.test(word)) return none;
  return {
    path: parents,
    kind: 'key',
    from: shape.content,
    prefix: word,
    siblings: siblingKeys(lines, row, shape.content, shape.dashes.length > 0),
  };
}

/** Column where a line's structure starts: its first `- ` marker, else its content. */
const leadOf = (s: LineShape) => s.dashes[0] ?? s.content;

/**
 * The path of the mapping that content at column `content` of line `row` belongs to, given the
 * line's own `- ` markers: every line above that starts left of it encloses it, as a `key:` whose
 * block it is in, or as the `- ` entry it is part of.
 */
export function parentPath(
  lines: readonly string[],
  row: number,
  content: number,
  ownDashes: readonly number[],
): PathSegment[] {
  const path: PathSegment[] = [];
  let col = content;
  /** `col` is the column of a `- ` marker: the sequence may belong to a `key:` at that column. */
  let atEntry = false;
  const enterEntries = (r: number, dashes: readonly number[]) => {
    for (let d = dashes.length - 1; d >= 0; d--) {
      const dash = dashes[d]!;
      if (dash >= col) continue;
      path.unshift(d === 0 ? itemIndex(lines, r, dash) : 0);
      col = dash;
      atEntry = true;
    }
  };
  enterEntries(row, ownDashes);
  for (let r = row - 1; r >= 0; r--) {
    const s = shapeOf(lines[r]!);
    if (s.blank) continue;
    const lead = leadOf(s);
    if (atEntry && lead === col && s.dashes.length === 0 && s.key !== undefined && s.value === '') {
      // A sequence written at its key's own indentation (`nodes:` then `- name: …`).
      path.unshift(s.key);
      atEntry = false;
      enterEntries(r, s.dashes);
      if (col === 0 && !atEntry) break;
      continue;
    }
    if (lead >= col) continue; // deeper, or an earlier sibling
    if (s.content < col) {
      if (s.key === undefined || s.value !== '') break; // not a block we can be in
      path.unshift(s.key);
      col = s.content;
      atEntry = false;
    }
    enterEntries(r, s.dashes);
    if (col === 0 && !atEntry) break;
  }
  return path;
}

/** Index of the `- ` entry at column `dash` on line `row` within its sequence. */
function itemIndex(lines: readonly string[], row: number, dash: number): number {
  const own = shapeOf(lines[row]!);
  if (leadOf(own) < dash) return 0; // `- - x`: the inner sequence starts on this line
  let index = 0;
  for (let r = row - 1; r >= 0; r--) {
    const s = shapeOf(lines[r]!);
    if (s.blank) continue;
    const lead = leadOf(s);
    if (s.dashes.includes(dash)) {
      index++;
      if (lead < dash) break;
      continue;
    }
    if (lead <= dash) break;
  }
  return index;
}

/** Keys at column `content` in the same mapping as line `row` (not the line itself). */
function siblingKeys(lines: readonly string[], row: number, content: number, startsEntry: boolean): string[] {
  const keys: string[] = [];
  if (!startsEntry) {
    for (let r = row - 1; r >= 0; r--) {
      const s = shapeOf(lines[r]!);
      if (s.blank || leadOf(s) > content) continue;
      if (s.content === content && s.key !== undefined) keys.push(s.key);
      if (leadOf(s) < content || s.content !== content) break;
    }
  }
  for (let r = row + 1; r < lines.length; r++) {
    const s = shapeOf(lines[r]!);
    if (s.blank || leadOf(s) > content) continue;
    if (leadOf(s) < content || s.content !== content) break;
    if (s.key !== undefined) keys.push(s.key);
  }
  return keys;
}

/** True in the indented text of a block scalar (`command: |`): the first line left of it says. */
function insideBlockScalar(lines: readonly string[], row: number, shape: LineShape): boolean {
  const indent = leadOf(shape);
  for (let r = row - 1; r >= 0; r--) {
    const s = shapeOf(lines[r]!);
    if (!s.blank && leadOf(s) < indent) return /^[|>][+-]?\d*$/.test(s.value);
  }
  return false;
}

/** True inside a flow collection (`[a, b`, `{a: 1`) opened on this or an earlier line. */
function insideFlow(lines: readonly string[], row: number, before: string): boolean {
  let depth = 0;
  for (const text of [...lines.slice(0, row), before]) {
    const code = stripComment(text.replace(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'/g, '""'));
    for (const ch of code) {
      if (ch === '[' || ch === '{') depth++;
      else if ((ch === ']' || ch === '}') && depth > 0) depth--;
    }
  }
  return depth > 0;
}

/** `nodes[0].type` style, for showing a path to people. */
export function formatPath(path: readonly PathSegment[]): string {
  return path.reduce<string>(
    (out, seg) => (typeof seg === 'number' ? `${out}[${seg}]` : out ? `${out}.${seg}` : seg),
    '',
  );
}
