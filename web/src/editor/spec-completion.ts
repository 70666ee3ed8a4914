/**
 * Completion for kombination.yaml from its JSON Schema: the keys a mapping may still have (with
 * their documentation), and the values a field takes — the kit names, node types, variants of the
 * chosen kit, providers, booleans, defaults.
 */
import {
  type Completion,
  type CompletionContext,
  type CompletionResult,
  startCompletion,
} from '@codemirror/autocomplete';
import type { EditorView } from '@codemirror/view';
import { describeField, type JsonSchema, keysOf, schemaAt, shapeWords, valuesOf } from './spec-schema.ts';
import { kitSummary, schemaFor, specSchema } from './spec-schemas.ts';
import { contextAt, type PathSegment } from './yaml-context.ts';

/** Types of a value that continue on the next lines (a mapping or a list below the key). */
function opensBlock(schema: JsonSchema): 'mapping' | 'list' | null {
  const alts = schema.anyOf ?? [schema];
  if (alts.some((a) => a.type === 'array')) return 'list';
  if (alts.some((a) => a.type === 'object' && (a.properties || a.additionalProperties))) return 'mapping';
  return null;
}

/** Inserts `key: ` (or `key:` and the indented start of its block), then offers its values. */
function keyCompletion(name: string, schema: JsonSchema, required: boolean, column: number): Completion {
  const block = opensBlock(schema);
  const indent = ' '.repeat(column + 2);
  const text =
    block === 'list' ? `${name}:\n${indent}- ` : block === 'mapping' ? `${name}:\n${indent}` : `${name}: `;
  return {
    label: name,
    type: 'property',
    detail: `${shapeWords(schema)}${required ? ', required' : ''}`,
    info: describeField(name, schema, required).slice(1).join('\n') || undefined,
    apply: (view: EditorView, _c: Completion, from: number, to: number) => {
      // Completing the start of an existing key (`na|me: x`) replaces only the name.
      const rest = view.state.sliceDoc(to, view.state.doc.lineAt(to).to);
      const word = /^[\w-]*/.exec(rest)![0];
      const end = to + word.length;
      const insert = rest.slice(word.length).trimStart().startsWith(':') ? name : text;
      view.dispatch({
        changes: { from, to: end, insert },
        selection: { anchor: from + insert.length },
        scrollIntoView: true,
        userEvent: 'input.complete',
      });
      if (!block && insert === text) queueMicrotask(() => startCompletion(view));
    },
  };
}

function valueCompletions(schema: JsonSchema | undefined, path: readonly PathSegment[]): Completion[] {
  const isKit = path.length === 1 && path[0] === 'kit';
  return valuesOf(schema).map((v) => {
    const info = isKit ? kitSummary(v.text) : v.info;
    return {
      label: v.text,
      type: 'enum',
      ...(v.isDefault ? { detail: 'default' } : {}),
      ...(info ? { info } : {}),
    };
  });
}

/**
 * Keeps the schema's order among equally good matches (CodeMirror sorts those by label): the
 * schema lists kits simplest first and a mapping's keys required first.
 */
function inSchemaOrder(options: Completion[]): Completion[] {
  return options.map((o, i) => ({ ...o, boost: Math.max(-99, -i) }));
}

/** The completion source: keys where a key may go, values after `key:` and after `- `. */
export function specCompletions(context: CompletionContext): CompletionResult | null {
  const { state, pos } = context;
  const line = state.doc.lineAt(pos);
  const text = state.doc.toString();
  const ctx = contextAt(text.split('\n'), line.number - 1, pos - line.from);
  if (ctx.kind === 'none') return null;
  // Typing opens the list once a word is started, or right after `key: ` / `- `; Ctrl-Space always.
  const before = line.text.slice(0, pos - line.from);
  if (!context.explicit && ctx.prefix === '' && !/(:|^\s*-) $/.test(before)) return null;
  const kitField = ctx.path.length === 1 && ctx.path[0] === 'kit';
  // A kit's own schema allows only that kit: the kit field is completed from the spec's.
  const root = kitField ? specSchema : schemaFor(text);
  let options: Completion[];
  if (ctx.kind === 'value') {
    options = valueCompletions(schemaAt(root, ctx.path), ctx.path);
  } else {
    const parent = schemaAt(root, ctx.path);
    options = keysOf(parent)
      .filter((k) => !ctx.siblings.includes(k.name))
      .map((k) => keyCompletion(k.name, k.schema, k.required, ctx.from));
    // `- ` in a list of plain values (e.g. taints): the items' values.
    if (options.length === 0 && typeof ctx.path.at(-1) === 'number') {
      options = valueCompletions(parent, ctx.path);
    }
  }
  if (options.length === 0) return null;
  return { from: line.from + ctx.from, options: inSchemaOrder(options), validFor: /^[\w.-]*$/ };
}
