/**
 * kombination.yaml text → plain data, keeping the YAML document so any error path can be turned
 * back into a 1-based line and column. Never throws: every problem with the text becomes a
 * `parse_error` at path "" carrying the parser's position.
 *
 * Conversion rules (documented in the README): an empty value (`key:` or `key: ~`) counts as
 * "not set", so a section whose children are all commented out is simply absent; aliases are
 * expanded with limits so a small document cannot expand into a huge one.
 */
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
} from 'yaml';
import { type PathSegments, type SpecError, sortErrors } from './errors.ts';
import { readBlockYaml } from './yaml-block.ts';

/** Texts above this size are refused before parsing; a real spec is a few kilobytes. */
export const maxSpecBytes = 4 * 1024 * 1024;
/** Values materialised from the document, aliases included (billion-laughs guard). */
const maxValues = 250_000;
/** Nesting depth of collections (and alias chains) before the document is refused. */
const maxDepth = 256;

export interface Position {
  line: number;
  column: number;
}

export interface YamlSource {
  /** The document as plain data; undefined when it could not be read. */
  data?: unknown;
  /** parse_error problems; empty when `data` is set. */
  errors: SpecError[];
  /** Position for an error path: the value, or the key with `at: 'key'`, or the nearest parent. */
  locate(path: PathSegments, at?: 'value' | 'key'): Position;
}

class ConversionError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

const start: Position = { line: 1, column: 1 };

/** How a document is read: kombination.yaml by default; the compose importer reads differently. */
export interface ReadOptions {
  /** What the text is, for messages: "the spec" (default), "the compose file". */
  subject?: string;
  /** What a top-level mapping holds, for the "must be a mapping" message. */
  shape?: string;
  /** Keep `key:` / `key: ~` as null instead of "not set" (Compose gives null meaning). */
  keepNull?: boolean;
  /** YAML 1.1 merge keys (`<<: *defaults`), as Compose files use them. */
  mergeKeys?: boolean;
  maxBytes?: number;
}

interface Settings {
  subject: string;
  shape: string;
  keepNull: boolean;
  mergeKeys: boolean;
  maxBytes: number;
}

function settings(o: ReadOptions = {}): Settings {
  return {
    subject: o.subject ?? 'the spec',
    shape: o.shape ?? 'name: …, nodes: …',
    keepNull: o.keepNull ?? false,
    mergeKeys: o.mergeKeys ?? false,
    maxBytes: o.maxBytes ?? maxSpecBytes,
  };
}

function fail(message: string, pos: Position = start): YamlSource {
  return {
    errors: [{ path: '', code: 'parse_error', message, line: pos.line, column: pos.column }],
    locate: () => start,
  };
}

/**
 * Reads kombination.yaml text. Plain block YAML (nearly every spec) goes through the fast reader
 * (yaml-block.ts); anything else, and every text with a syntax problem, through the `yaml` package
 * ({@link readYamlDocument}). Both give the same data and positions for what the fast one accepts.
 */
export function readYaml(text: string): YamlSource {
  if (typeof text !== 'string') return fail('the spec must be text');
  if (text.length > maxSpecBytes) return fail(`the spec is larger than ${maxSpecBytes / 1024 / 1024} MiB`);
  const block = readBlockYaml(text);
  if (!block) return readYamlDocument(text);
  // Positions are only needed for errors: the line index is built on the first lookup.
  let lineStarts: number[] | undefined;
  const toPos = (offset: number): Position => {
    lineStarts ??= lineStartsOf(text);
    return linePos(lineStarts, Math.max(0, offset));
  };
  return {
    data: block.data,
    errors: [],
    locate: (path, at = 'value') => toPos(block.locateOffset(path, at)),
  };
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line and column of an offset, exactly as yaml's LineCounter.linePos computes them. */
function linePos(lineStarts: readonly number[], offset: number): Position {
  let low = 0;
  let high = lineStarts.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (lineStarts[mid]! < offset) low = mid + 1;
    else high = mid;
  }
  if (lineStarts[low] === offset) return { line: low + 1, column: 1 };
  if (low === 0) return { line: 0, column: offset };
  return { line: low, column: offset - lineStarts[low - 1]! + 1 };
}

/** The full reader: the `yaml` package's Document, for any YAML. */
export function readYamlDocument(text: string, options?: ReadOptions): YamlSource {
  const o = settings(options);
  const lineCounter = new LineCounter();
  if (typeof text !== 'string') return fail(`${o.subject} must be text`);
  if (text.length > o.maxBytes) return fail(`${o.subject} is larger than ${o.maxBytes / 1024 / 1024} MiB`);

  let doc: Document.Parsed;
  try {
    // logLevel 'error': errors are collected (with 'silent' a second document is not even reported)
    // and warnings are not printed.
    doc = parseDocument(text, {
      lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
      logLevel: 'error',
      merge: o.mergeKeys,
    });
  } catch (error) {
    // The parser recurses on nesting; absurd nesting can exhaust the stack.
    return fail(`not readable as YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const toPos = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(Math.max(0, offset));
    return { line, column: col };
  };
  const locate = (path: PathSegments, at: 'value' | 'key' = 'value') => toPos(locateOffset(doc, path, at));

  if (doc.errors.length > 0) {
    return {
      errors: sortErrors(
        doc.errors.map((e) => {
          const pos = toPos(e.pos[0]);
          return { path: '', code: 'parse_error', message: `invalid YAML: ${e.message}`, ...posFields(pos) };
        }),
      ),
      locate,
    };
  }
  const root = doc.contents;
  if (!isMap(root)) {
    const what = root === null || (isScalar(root) && root.value === null) ? 'empty' : describe(root);
    const pos = root?.range ? toPos(root.range[0]) : start;
    return fail(
      what === 'empty'
        ? `${o.subject} is empty; it must be a mapping (${o.shape})`
        : `${o.subject} must be a YAML mapping (${o.shape}), not ${what}`,
      pos,
    );
  }
  try {
    const counter: Budget = { values: 0, aliases: new Map<unknown, unknown>(), o };
    return { data: toData(doc, root, 0, counter), errors: [], locate };
  } catch (error) {
    if (error instanceof ConversionError) return fail(error.message, toPos(error.offset));
    return fail(`not readable as YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function posFields(pos: Position): { line: number; column: number } {
  return { line: pos.line, column: pos.column };
}

function describe(node: unknown): string {
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return typeof node.value === 'string' ? 'a string' : `a ${typeof node.value}`;
  if (isAlias(node)) return 'an alias';
  return 'this';
}

function offsetOf(node: unknown): number {
  const range = (node as Node | null)?.range;
  return range ? range[0] : 0;
}

/** Converts a node to data. Null values inside mappings are dropped ("not set"). */
interface Budget {
  values: number;
  /** Resolved aliases: yaml's Alias.resolve searches the whole document on every call. */
  aliases: Map<unknown, unknown>;
  o: Settings;
}

function toData(doc: Document.Parsed, node: unknown, depth: number, counter: Budget): unknown {
  if (++counter.values > maxValues) {
    throw new ConversionError(
      `${counter.o.subject} expands to more than ${maxValues} values (aliases?)`,
      offsetOf(node),
    );
  }
  if (depth > maxDepth)
    throw new ConversionError(
      `${counter.o.subject} is nested more than ${maxDepth} levels deep`,
      offsetOf(node),
    );
  if (isAlias(node)) {
    let target = counter.aliases.get(node);
    if (target === undefined) {
      target = node.resolve(doc);
      counter.aliases.set(node, target ?? null);
    }
    if (!target) throw new ConversionError(`unknown alias *${node.source}`, offsetOf(node));
    return toData(doc, target, depth + 1, counter);
  }
  if (isScalar(node)) {
    const value = node.value;
    if (
      value === null ||
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean'
    ) {
      return value;
    }
    // Tags like !!binary or !!timestamp produce other types; the spec only has plain values.
    return String(value);
  }
  if (isSeq(node)) {
    return node.items.map((item) => toData(doc, item, depth + 1, counter));
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      if (counter.o.mergeKeys && isMergeKey(pair.key)) {
        mergeInto(out, toData(doc, pair.value, depth + 1, counter), offsetOf(pair.value));
        continue;
      }
      const key = keyOf(pair.key);
      if (key === undefined) {
        throw new ConversionError('mapping keys must be plain words or strings', offsetOf(pair.key));
      }
      const value = toData(doc, pair.value, depth + 1, counter);
      if (value === undefined || (value === null && !counter.o.keepNull)) continue;
      // defineProperty: a key named "__proto__" becomes an ordinary own property, never a prototype.
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  if (node === null || node === undefined) return null;
  throw new ConversionError('unsupported YAML node', offsetOf(node));
}

function isMergeKey(key: unknown): boolean {
  // With `merge: true` the yaml package reads a plain `<<` key as a symbol.
  return isScalar(key) && typeof key.value === 'symbol' && key.value.description === '<<';
}

/**
 * `<<: *a` or `<<: [*a, *b]`: the keys of the merged mappings that the mapping does not set
 * itself. Keys are written later in the mapping override them, so merged keys are only added
 * where absent; a later explicit key replaces them (`defineProperty` below overwrites).
 */
function mergeInto(out: Record<string, unknown>, value: unknown, offset: number): void {
  const sources = Array.isArray(value) ? value : [value];
  for (const source of sources) {
    if (typeof source !== 'object' || source === null || Array.isArray(source)) {
      throw new ConversionError('a merge key (<<) takes a mapping or a list of mappings', offset);
    }
    for (const [k, v] of Object.entries(source)) {
      if (Object.hasOwn(out, k)) continue;
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
  }
}

function keyOf(key: unknown): string | undefined {
  if (key === null || key === undefined) return '';
  if (isScalar(key)) {
    const v = key.value;
    if (v === null) return '';
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  }
  return undefined;
}

/**
 * Walks the document along an error path and returns the offset of the value there. When the path
 * leaves the document (the value is missing), the deepest mapping or sequence reached is used; an
 * empty value points at its key.
 */
function locateOffset(doc: Document.Parsed, path: PathSegments, at: 'value' | 'key'): number {
  let node: unknown = doc.contents;
  let depth = 0;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    while (isAlias(node) && depth++ < maxDepth) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = findPair(node.items, String(segment));
      if (!pair) return offsetOf(node);
      const isLast = i === path.length - 1;
      const empty = pair.value === null || (isScalar(pair.value) && pair.value.value === null);
      if ((isLast && at === 'key') || empty) return offsetOf(pair.key);
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined || item === null) return offsetOf(node);
      node = item;
    } else {
      return offsetOf(node);
    }
  }
  return offsetOf(node);
}

function findPair(items: readonly unknown[], key: string) {
  // The last pair wins, as in the converted data (duplicate keys are a parse error anyway).
  for (let i = items.length - 1; i >= 0; i--) {
    const pair = items[i];
    if (isPair(pair) && keyOf(pair.key) === key) return pair;
  }
  return undefined;
}
