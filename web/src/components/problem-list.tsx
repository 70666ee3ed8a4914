import type { SpecProblem } from '@kombify/proto/api';
import { For, Show } from 'solid-js';

/**
 * Problems at their lines, each with a button that puts the cursor there: the spec editor's
 * validation problems and the compose import's errors and warnings.
 */
export function ProblemList(props: {
  problems: readonly SpecProblem[];
  onGo: (p: SpecProblem) => void;
  /** data-testid of each item. */
  itemTestId: string;
}) {
  return (
    <ul class="problems">
      <For each={props.problems}>
        {(p) => (
          <li data-testid={props.itemTestId} data-line={p.line}>
            <Show when={p.line !== undefined} fallback={<span>{p.path || 'document'}: </span>}>
              <button type="button" class="btn btn-small" onClick={() => props.onGo(p)}>
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
  );
}

/** The textarea's caret at a 1-based line and column (the fallback before an editor has loaded). */
export function focusTextAt(area: HTMLTextAreaElement, text: string, line: number, column = 1): void {
  const before = text.split('\n').slice(0, line - 1);
  const offset = before.reduce((n, l) => n + l.length + 1, 0) + Math.max(0, column - 1);
  area.focus();
  area.setSelectionRange(offset, offset);
}
