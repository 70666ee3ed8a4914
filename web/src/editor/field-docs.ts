/**
 * The documentation of the field at a position, from the schema's descriptions: shown as a hover
 * tooltip for the mouse, and (the same text) below the editor for the field at the cursor, so it
 * is there for keyboard and screen-reader users too.
 */

import type { EditorState } from '@codemirror/state';
import { hoverTooltip, type Tooltip } from '@codemirror/view';
import { describeField, isRequired, schemaAt, valuesOf } from './spec-schema.ts';
import { kitSummary, schemaFor, specSchema } from './spec-schemas.ts';
import { formatPath, parentPath, shapeOf } from './yaml-context.ts';

export interface FieldDoc {
  /** `nodes[0].type` */
  path: string;
  /** First line: name and kind of value; then description, values, default. */
  lines: string[];
  /** Document range of the key or value the doc is about. */
  from: number;
  to: number;
}

/** The documentation of the key or value at `pos`, or null where the schema has none. */
export function fieldDocAt(state: EditorState, pos: number): FieldDoc | null {
  const line = state.doc.lineAt(pos);
  const col = pos - line.from;
  const shape = shapeOf(line.text);
  if (shape.key === undefined || shape.afterColon === undefined) return null;
  const text = state.doc.toString();
  const parents = parentPath(text.split('\n'), line.number - 1, shape.content, shape.dashes);
  const path = [...parents, shape.key];
  const root = path.length === 1 && path[0] === 'kit' ? specSchema : schemaFor(text);
  const schema = schemaAt(root, path);
  if (!schema) return null;
  const keyEnd = line.text.indexOf(':', shape.content);
  const lines = describeField(shape.key, schema, isRequired(schemaAt(root, parents), shape.key));
  const inValue = col >= shape.afterColon && shape.value !== '';
  if (inValue) {
    const start = line.text.indexOf(shape.value, shape.afterColon);
    const known = valuesOf(schema).find((v) => v.text === shape.value);
    const about = path.join('.') === 'kit' ? kitSummary(shape.value) : known?.info;
    if (about) lines.splice(1, 0, `${shape.value}: ${about}`);
    return {
      path: formatPath(path),
      lines,
      from: line.from + start,
      to: line.from + start + shape.value.length,
    };
  }
  return { path: formatPath(path), lines, from: line.from + shape.content, to: line.from + keyEnd };
}

/** The tooltip's content: the path, then the documentation's lines. */
export function fieldDocDom(doc: FieldDoc): HTMLElement {
  const dom = document.createElement('div');
  dom.className = 'cm-field-doc';
  const title = document.createElement('strong');
  title.textContent = doc.path;
  dom.append(title);
  for (const text of doc.lines) {
    const p = document.createElement('p');
    p.textContent = text;
    dom.append(p);
  }
  return dom;
}

/** Hovering a key or value shows its documentation. */
export const fieldDocHover = hoverTooltip((view, pos): Tooltip | null => {
  const doc = fieldDocAt(view.state, pos);
  if (!doc || pos < doc.from || pos > doc.to) return null;
  return { pos: doc.from, end: doc.to, above: true, create: () => ({ dom: fieldDocDom(doc) }) };
});
