import { createAsync, revalidate } from '@solidjs/router';
import { createMemo, createSignal, For, Show } from 'solid-js';
import { getContainerLogs } from '../features/nodes/index.ts';
import { Problem } from './states.tsx';

/** How many of the last lines the viewer reads. */
const TAIL = 1000;

/**
 * One container's log: the last lines (Refresh reads them again), a search that filters what is
 * shown, and a download of what was read; stderr lines are marked. Following a log live is in the
 * API (`?follow=true`, Server-Sent Events), not yet on this page.
 */
export function ContainerLogs(props: { workerId: string; name: string; onClose: () => void }) {
  const tail = createAsync(() => getContainerLogs(props.workerId, props.name, TAIL));
  const [query, setQuery] = createSignal('');
  let box: HTMLPreElement | undefined;

  const all = createMemo(() => {
    const t = tail();
    return t?.ok ? t.data.lines : [];
  });
  const shown = createMemo(() => {
    const q = query().trim().toLowerCase();
    return q ? all().filter((l) => l.text.toLowerCase().includes(q)) : all();
  });

  const download = () => {
    const text = all()
      .map((l) => `${l.at} ${l.stream} ${l.text}`)
      .join('\n');
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([`${text}\n`], { type: 'text/plain' }));
    a.download = `${props.name}.log`;
    a.click();
    URL.revokeObjectURL(a.href);
  };

  return (
    <section class="card" aria-labelledby="logs-title" data-testid="container-logs">
      <div class="card-head">
        <h2 id="logs-title">Logs of {props.name}</h2>
        <button type="button" class="btn btn-small" onClick={() => props.onClose()}>
          Close
        </button>
      </div>
      <div class="row-actions">
        <button
          type="button"
          class="btn btn-small"
          onClick={() => void revalidate(getContainerLogs.keyFor(props.workerId, props.name, TAIL))}
          data-testid="logs-refresh"
        >
          Refresh
        </button>
        <label>
          <span class="sr-only">Search the log</span>
          <input
            type="search"
            placeholder="Search"
            value={query()}
            onInput={(e) => setQuery(e.currentTarget.value)}
            data-testid="logs-search"
          />
        </label>
        <button type="button" class="btn btn-small" onClick={download} data-testid="logs-download">
          Download
        </button>
        <span class="muted small" aria-live="polite" data-testid="logs-state">
          {shown().length} of {all().length} lines
        </span>
      </div>
      <Show when={tail() && !tail()!.ok ? tail() : undefined}>
        {(f) => <Problem result={f() as never} what="the log" />}
      </Show>
      <pre
        class="log"
        ref={box}
        tabindex="0"
        role="log"
        aria-label={`log of ${props.name}`}
        data-testid="logs-lines"
      >
        <For each={shown()}>
          {(l) => (
            <span class={l.stream === 'stderr' ? 'log-line log-stderr' : 'log-line'}>{`${l.text}\n`}</span>
          )}
        </For>
      </pre>
    </section>
  );
}
