/**
 * The kombination.yaml editor: CodeMirror 6 with YAML, completion and hover docs from the spec's
 * JSON Schema, and the edge's validation problems as lint markers at their line and column. The
 * pages that edit a spec load this module with a dynamic import, so no other page ships it.
 *
 * Keyboard: Tab indents (Esc, then Tab, moves on, as in every CodeMirror editor); Ctrl-Space
 * completes; F8 goes to the next problem and Ctrl-Shift-M lists them all.
 */
import { autocompletion, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { indentUnit } from '@codemirror/language';
import { lintGutter, lintKeymap, setDiagnostics } from '@codemirror/lint';
import { EditorState, StateEffect, StateField } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { edgeDiagnostics, type MarkedProblem } from './edge-diagnostics.ts';
import { type FieldDoc, fieldDocAt, fieldDocHover } from './field-docs.ts';
import { specCompletions } from './spec-completion.ts';
import { specEditorTheme } from './spec-editor-theme.ts';
import { loadKitSchemas } from './spec-schemas.ts';

export interface SpecEditorOptions {
  /** Starting text. */
  text: string;
  /** id of the editable element (the page's label points at it). */
  id: string;
  /** id of the element that names the editor (its label). */
  labelledBy: string;
  /** id of the element that describes it (the validation status). */
  describedBy: string;
  /** Called with the whole text after each change made in the editor. */
  onChange: (text: string) => void;
  /** Called with the documentation of the field at the cursor (null where there is none). */
  onFieldDoc?: (doc: FieldDoc | null) => void;
  /**
   * `kombination` (default): completion and docs from the spec's JSON Schema. `yaml`: plain YAML
   * with the problem markers only (a docker-compose file being imported).
   */
  schema?: 'kombination' | 'yaml';
}

/** What a page does with a running editor. */
export interface SpecEditorHandle {
  /** Replaces the text (no-op when it is the same), e.g. when the form writes a new spec. */
  setText(text: string): void;
  /** Shows the edge's problems for `checked`; ignored when the text has changed since. */
  setProblems(problems: readonly MarkedProblem[], checked: string): void;
  /** Puts the cursor at a 1-based line and column and focuses the editor. */
  focusAt(line: number, column?: number): void;
  /** Focuses the editor, keeping its cursor. */
  focus(): void;
  destroy(): void;
}

const setInvalid = StateEffect.define<boolean>();
/** Whether the last check found problems: `aria-invalid` on the editable element. */
const invalid = StateField.define<boolean>({
  create: () => false,
  update: (value, tr) => tr.effects.reduce((v, e) => (e.is(setInvalid) ? e.value : v), value),
  provide: (f) =>
    EditorView.contentAttributes.from(
      f,
      (bad): Record<string, string> => (bad ? { 'aria-invalid': 'true' } : {}),
    ),
});

/** Mounts an editor into `parent`. */
export function createSpecEditor(parent: HTMLElement, opts: SpecEditorOptions): SpecEditorHandle {
  const withSchema = opts.schema !== 'yaml';
  if (withSchema) void loadKitSchemas();
  let lastDoc: FieldDoc | null | undefined;
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: opts.text,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightActiveLine(),
        history(),
        drawSelection(),
        EditorState.tabSize.of(2),
        indentUnit.of('  '),
        yaml(),
        withSchema
          ? autocompletion({
              override: [specCompletions],
              activateOnCompletion: (c) => c.type === 'property',
              icons: false,
              // With at most this many options rendered the list never scrolls: a scrolling list
              // that only the editor's arrow keys move fails axe's scrollable-region-focusable.
              maxRenderedOptions: 10,
            })
          : [],
        lintGutter(),
        withSchema ? fieldDocHover : [],
        invalid,
        specEditorTheme,
        keymap.of([...completionKeymap, ...lintKeymap, ...historyKeymap, ...defaultKeymap, indentWithTab]),
        EditorView.contentAttributes.of({
          id: opts.id,
          'aria-labelledby': opts.labelledBy,
          'aria-describedby': opts.describedBy,
          'data-testid': withSchema ? 'spec-editor' : 'yaml-editor',
        }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) opts.onChange(u.state.doc.toString());
          if ((u.docChanged || u.selectionSet) && opts.onFieldDoc && withSchema) {
            const doc = fieldDocAt(u.state, u.state.selection.main.head);
            if (doc?.path !== lastDoc?.path || doc?.lines.join() !== lastDoc?.lines.join()) {
              lastDoc = doc;
              opts.onFieldDoc(doc);
            }
          }
        }),
      ],
    }),
  });

  return {
    setText(text) {
      if (text === view.state.doc.toString()) return;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    setProblems(problems, checked) {
      if (checked !== view.state.doc.toString()) return; // a newer text is being checked
      const spec = setDiagnostics(view.state, edgeDiagnostics(view.state.doc, problems));
      view.dispatch({
        ...spec,
        effects: [
          ...asArray(spec.effects),
          setInvalid.of(problems.some((p) => (p.severity ?? 'error') === 'error')),
        ],
      });
    },
    focusAt(line, column = 1) {
      const l = view.state.doc.line(Math.min(Math.max(1, line), view.state.doc.lines));
      const anchor = l.from + Math.min(Math.max(0, column - 1), l.length);
      view.dispatch({ selection: { anchor }, scrollIntoView: true });
      view.focus();
    },
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}

function asArray<T>(value: T | readonly T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? [...value] : [value as T];
}
