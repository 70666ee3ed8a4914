import type { SpecProblem } from '@kombify/proto/api';
import { createEffect, createSignal, on, onCleanup, onMount, Show } from 'solid-js';
import type { SpecEditorHandle } from '../editor/create-spec-editor.ts';
import type { FieldDoc } from '../editor/field-docs.ts';
import { validateSpec } from '../features/stacks/index.ts';
import { focusTextAt, ProblemList } from './problem-list.tsx';

export type Validation =
  | { state: 'idle' | 'checking' }
  | { state: 'valid'; summary: string }
  | { state: 'invalid'; problems: SpecProblem[]; message: string };

/**
 * A `kombination.yaml` editor, checked against the edge (`POST /v1/stackkits/validate`) a moment
 * after typing stops. The page renders a plain textarea; in the browser it becomes the CodeMirror
 * editor (src/editor/, loaded with a dynamic import so only the pages that edit a spec ship it):
 * completion and hover docs from the spec's JSON Schema, and each problem the edge finds marked at
 * its line and column. The problems are also listed below, each with a button that puts the cursor
 * there, and the field at the cursor is documented under the editor.
 */
export function SpecEditor(props: {
  id: string;
  /** id of the label that names the editor. */
  labelledBy: string;
  value: string;
  onInput: (text: string) => void;
  onValidated?: (v: Validation) => void;
}) {
  let area: HTMLTextAreaElement | undefined;
  let host: HTMLDivElement | undefined;
  const [editor, setEditor] = createSignal<SpecEditorHandle>();
  const [fieldDoc, setFieldDoc] = createSignal<FieldDoc | null>(null);
  const [validation, setValidation] = createSignal<Validation>({ state: 'idle' });
  let checked = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;
  let gone = false;
  const statusId = `${props.id}-status`;

  const report = (v: Validation) => {
    setValidation(v);
    props.onValidated?.(v);
  };
  createEffect(
    on(
      () => props.value,
      (text) => {
        clearTimeout(timer);
        editor()?.setText(text);
        if (!text.trim()) return report({ state: 'idle' });
        report({ state: 'checking' });
        timer = setTimeout(async () => {
          const mine = ++asked;
          const r = await validateSpec(text);
          if (mine !== asked) return; // a later text is being checked
          checked = text;
          if (r.ok) {
            report({
              state: 'valid',
              summary: `${r.data.name}: ${r.data.kit}, ${r.data.nodes} node(s), ${r.data.services} service(s)`,
            });
          } else {
            report({ state: 'invalid', problems: r.details ?? [], message: r.message });
          }
        }, 400);
      },
    ),
  );
  createEffect(() => {
    const v = validation();
    if (v.state === 'valid' || v.state === 'invalid') {
      editor()?.setProblems(v.state === 'invalid' ? v.problems : [], checked);
    }
  });

  onMount(async () => {
    const { createSpecEditor } = await import('../editor/create-spec-editor.ts');
    if (gone || !host) return;
    const hadFocus = document.activeElement === area;
    const caret = area?.selectionStart ?? 0;
    const handle = createSpecEditor(host, {
      text: props.value,
      id: props.id,
      labelledBy: props.labelledBy,
      describedBy: `${statusId} ${props.id}-help`,
      onChange: (text) => props.onInput(text),
      onFieldDoc: setFieldDoc,
    });
    setEditor(handle);
    const v = validation();
    if (v.state === 'invalid') handle.setProblems(v.problems, checked);
    if (hadFocus) {
      const before = props.value.slice(0, caret).split('\n');
      handle.focusAt(before.length, (before.at(-1)?.length ?? 0) + 1);
    }
  });
  onCleanup(() => {
    gone = true;
    clearTimeout(timer);
    editor()?.destroy();
  });

  const goTo = (p: SpecProblem) => {
    if (p.line === undefined) return;
    const handle = editor();
    if (handle) return handle.focusAt(p.line, p.column);
    if (area) focusTextAt(area, props.value, p.line, p.column);
  };

  return (
    <div>
      <div class="editor">
        <Show when={!editor()}>
          <textarea
            ref={area}
            id={props.id}
            name="yaml"
            rows={Math.max(10, props.value.split('\n').length)}
            spellcheck={false}
            autocomplete="off"
            value={props.value}
            onInput={(e) => props.onInput(e.currentTarget.value)}
            aria-invalid={validation().state === 'invalid'}
            aria-describedby={statusId}
          />
        </Show>
        <div ref={host} class="editor-host" />
      </div>
      <p class="muted small editor-help" id={`${props.id}-help`}>
        <Show
          when={fieldDoc()}
          fallback="Ctrl-Space completes keys and values; Tab indents (Esc, then Tab, leaves the editor)."
        >
          {(doc) => (
            <span data-testid="field-doc">
              <span class="mono">{doc().path}</span> —{' '}
              {(doc().lines.slice(1).length ? doc().lines.slice(1) : doc().lines).join(' · ')}
            </span>
          )}
        </Show>
      </p>
      <div id={statusId} aria-live="polite" data-testid="spec-status">
        <Show when={validation().state === 'checking'}>
          <p class="muted small">Checking…</p>
        </Show>
        <Show
          when={(() => {
            const v = validation();
            return v.state === 'valid' ? v : undefined;
          })()}
        >
          {(v) => <p class="notice notice-good small">Valid — {v().summary}</p>}
        </Show>
        <Show
          when={(() => {
            const v = validation();
            return v.state === 'invalid' ? v : undefined;
          })()}
        >
          {(v) => (
            <div class="notice notice-bad small" data-testid="spec-problems">
              <p class="notice-title">{v().message}</p>
              <ProblemList problems={v().problems} onGo={goTo} itemTestId="spec-problem" />
            </div>
          )}
        </Show>
      </div>
    </div>
  );
}
