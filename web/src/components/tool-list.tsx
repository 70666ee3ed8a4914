import type { Tool } from '@kombify/proto/api';
import { For, Show } from 'solid-js';
import { safeHref } from '../lib/safe-href.ts';

/** Tools as cards: name, score, summary, tags and a link out. */
export function ToolList(props: { tools: Tool[] }) {
  return (
    <ul class="tool-grid" data-testid="tool-list">
      <For each={props.tools}>
        {(t) => (
          <li class="card tool" data-testid="tool">
            <div class="card-head">
              <h3>{t.name}</h3>
              <span class="badge badge-muted" title="Weighted evaluation score">
                {t.score.toFixed(1)}
              </span>
            </div>
            <p class="muted small">{t.summary}</p>
            <p class="small">
              <For each={t.tags}>{(tag) => <span class="tag">{tag}</span>}</For>
            </p>
            <Show when={safeHref(t.url)}>
              {(url) => (
                <a href={url()} target="_blank" rel="noopener noreferrer">
                  Open {t.name}
                  <span class="sr-only"> (opens in a new tab)</span>
                </a>
              )}
            </Show>
          </li>
        )}
      </For>
    </ul>
  );
}
