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

/** Re-runs the given queries every `intervalMs` while the component is mounted in the browser. */
export function useAutoRefresh(keys: string[], intervalMs: number): void {
  onMount(() => {
    const timer = setInterval(() => void revalidate(keys), intervalMs);
    onCleanup(() => clearInterval(timer));
  });
}
