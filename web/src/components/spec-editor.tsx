import type { SpecProblem } from '@kombify/proto/api';
import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { validateSpec } from '../features/stacks/index.ts';

export type Validation =
  | { state: 'idle' | 'checking' }
  | { state: 'valid'; summary: string }
  | { state: 'invalid'; problems: SpecProblem[]; message: string };

/**
 * A `kombination.yaml` editor: a textarea with line numbers, checked against the edge
 * (`POST /v1/stackkits/validate`) a moment after typing stops; each problem is listed with its line
 * and column, marked in the gutter, and a button puts the cursor there.
 */
export function SpecEditor(props: {
  id: string;
  value: string;
  onInput: (text: string) => void;
  onValidated?: (v: Validation) => void;
}) {
  let area: HTMLTextAreaElement | undefined;
  const [validation, setValidation] = createSignal<Validation>({ state: 'idle' });
  const lines = () => Math.max(1, props.value.split('\n').length);
  const badLines = () => {
    const v = validation();
    return new Set(v.state === 'invalid' ? v.problems.map((p) => p.line).filter((l) => l !== undefined) : []);
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;
  const report = (v: Validation) => {
    setValidation(v);
    props.onValidated?.(v);
  };
  createEffect(
    on(
      () => props.value,
      (text) => {
        clearTimeout(timer);
        if (!text.trim()) return report({ state: 'idle' });
        report({ state: 'checking' });
        timer = setTimeout(async () => {
          const mine = ++asked;
          const r = await validateSpec(text);
          if (mine !== asked) return; // a later text is being checked
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
  onCleanup(() => clearTimeout(timer));

  const goTo = (p: SpecProblem) => {
    if (!area || p.line === undefined) return;
    const before = props.value.split('\n').slice(0, p.line - 1);
    const offset = before.reduce((n, l) => n + l.length + 1, 0) + Math.max(0, (p.column ?? 1) - 1);
    area.focus();
    area.setSelectionRange(offset, offset);
  };

  return (
    <div>
      <div class="editor">
        <div class="editor-gutter" aria-hidden="true">
          <For each={Array.from({ length: lines() }, (_, i) => i + 1)}>
            {(n) => <div class={badLines().has(n) ? 'bad-line' : undefined}>{n}</div>}
          </For>
        </div>
        <textarea
          ref={area}
          id={props.id}
          name="yaml"
          rows={lines()}
          spellcheck={false}
          autocomplete="off"
          value={props.value}
          onInput={(e) => props.onInput(e.currentTarget.value)}
          aria-invalid={validation().state === 'invalid'}
          aria-describedby={`${props.id}-status`}
          data-testid="spec-editor"
        />
      </div>
      <div id={`${props.id}-status`} aria-live="polite" data-testid="spec-status">
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
              <ul class="problems">
                <For each={v().problems}>
                  {(p) => (
                    <li data-testid="spec-problem" data-line={p.line}>
                      <Show when={p.line !== undefined} fallback={<span>{p.path || 'document'}: </span>}>
                        <button type="button" class="btn btn-small" onClick={() => goTo(p)}>
                          Line {p.line}
                          {p.column !== undefined ? `, column ${p.column}` : ''}
                        </button>{' '}
                        <span class="mono">{p.path}</span>:{' '}
                      </Show>
                      {p.message}
                    </li>
                  )}
                </For>
              </ul>
            </div>
          )}
        </Show>
      </div>
    </div>
  );
}
