import { Show } from 'solid-js';
import { formatAgo } from '../lib/format.ts';

/** Top bar: the product name and when the data on screen was last fetched (dot red if that failed). */
export function SiteHeader(props: {
  fetchedAt: number | undefined;
  ok: boolean;
  now: number;
  refreshSeconds: number;
}) {
  return (
    <header class="site-header">
      <div class="brand">
        <span class="brand-mark" aria-hidden="true">
          k
        </span>
        <span class="brand-name">kombify</span>
        <span class="brand-section">Dashboard</span>
      </div>
      <Show when={props.fetchedAt}>
        {(fetchedAt) => (
          <p class="refresh-note">
            <span class={`live-dot${props.ok ? '' : ' live-dot-bad'}`} aria-hidden="true" />
            Updated {formatAgo(new Date(fetchedAt()).toISOString(), props.now)}
            <span class="refresh-interval">· refreshes every {props.refreshSeconds} s</span>
          </p>
        )}
      </Show>
    </header>
  );
}
