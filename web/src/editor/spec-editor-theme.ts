/**
 * The editor's look, from the app's colour tokens (light-dark() in app.css), so it follows the
 * page's theme — the system's, or the one picked with the toggle — without a second theme to
 * switch. Syntax colours are app.css-style tokens defined in spec-editor.css, each with at least
 * 4.5:1 contrast on the editor's background in both themes (axe checks that).
 */
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorView } from '@codemirror/view';
import { tags as t } from '@lezer/highlight';
import './spec-editor.css';

const highlight = HighlightStyle.define([
  { tag: [t.propertyName, t.definition(t.propertyName)], color: 'var(--syntax-key)' },
  { tag: [t.string, t.special(t.string), t.content], color: 'var(--syntax-string)' },
  { tag: [t.number, t.bool, t.null, t.atom, t.keyword], color: 'var(--syntax-atom)' },
  { tag: [t.comment, t.lineComment, t.blockComment], color: 'var(--syntax-comment)', fontStyle: 'italic' },
  { tag: [t.labelName, t.typeName, t.meta], color: 'var(--syntax-meta)' },
  { tag: [t.punctuation, t.separator, t.squareBracket, t.brace], color: 'var(--text)' },
]);

const base = EditorView.theme({
  '&': {
    color: 'var(--text)',
    backgroundColor: 'var(--surface-2)',
    fontSize: '13px',
    maxHeight: '480px',
  },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '20px', minHeight: '216px' },
  '.cm-content': { padding: '8px 0', caretColor: 'var(--text)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--text)' },
  '&.cm-focused': { outline: '2px solid var(--focus)', outlineOffset: '-2px' },
  '.cm-gutters': {
    backgroundColor: 'var(--surface-2)',
    color: 'var(--text-muted)',
    borderRight: '1px solid var(--border)',
  },
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'var(--editor-active-line)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground': {
    backgroundColor: 'var(--selection)',
  },
  '.cm-tooltip': {
    backgroundColor: 'var(--surface)',
    color: 'var(--text)',
    border: '1px solid var(--border)',
    borderRadius: '8px',
    boxShadow: '0 4px 16px rgb(0 0 0 / 0.15)',
  },
  // Tall enough for every rendered option (maxRenderedOptions), so it never scrolls.
  '.cm-tooltip.cm-tooltip-autocomplete > ul': { maxHeight: 'none', overflow: 'hidden' },
  '.cm-tooltip-autocomplete > ul > li': { padding: '2px 8px', color: 'var(--text)' },
  '.cm-tooltip-autocomplete > ul > li[aria-selected]': {
    backgroundColor: 'var(--accent-bg)',
    color: 'var(--on-accent)',
  },
  '.cm-completionDetail': { color: 'inherit', opacity: 1, fontStyle: 'normal', marginLeft: '12px' },
  '.cm-completionInfo': { padding: '6px 10px', maxWidth: '360px', whiteSpace: 'pre-line' },
  '.cm-tooltip-lint, .cm-field-doc': { padding: '6px 10px', maxWidth: '420px' },
  '.cm-field-doc p': { margin: '4px 0 0' },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--bad)' },
  // The problems panel (Ctrl-Shift-M).
  '.cm-panels': { backgroundColor: 'var(--surface)', color: 'var(--text)' },
  '.cm-panels-bottom': { borderTop: '1px solid var(--border)' },
  '.cm-panel.cm-panel-lint ul [aria-selected]': { backgroundColor: 'var(--muted-bg)', color: 'var(--text)' },
  '.cm-panel.cm-panel-lint ul:focus [aria-selected]': {
    backgroundColor: 'var(--accent-bg)',
    color: 'var(--on-accent)',
  },
  '.cm-lintRange-active': { backgroundColor: 'var(--warn-bg)' },
  // CodeMirror dims a problem's source (its path) to 70 %: below 4.5:1 on a selected row.
  '.cm-diagnosticSource': { opacity: 1 },
});

/** Colours and highlighting for the spec editor. */
export const specEditorTheme = [base, syntaxHighlighting(highlight)];
