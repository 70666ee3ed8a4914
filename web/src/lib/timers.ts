import { revalidate } from '@solidjs/router';
import { type Accessor, createSignal, onCleanup, onMount } from 'solid-js';

/** The current time, ticking in the browser (fixed at render time on the server). */
export function useNow(intervalMs = 1000): Accessor<number> {
  const [now, setNow] = createSignal(Date.now());
  onMount(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    onCleanup(() => clearInterval(timer));
  });
  return now;
}

/**
 * Re-reads the given queries every `intervalMs` while mounted and the tab is visible: how pages
 * stay live until the edge offers an event stream for them.
 */
export function usePolling(keys: string[], intervalMs: number): void {
  onMount(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void revalidate(keys);
    }, intervalMs);
    onCleanup(() => clearInterval(timer));
  });
}
