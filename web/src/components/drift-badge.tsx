import type { StackDetails } from '@kombify/proto/api';
import { Show } from 'solid-js';
import { StatusBadge } from './status-badge.tsx';

/** In sync, drifted, or not checked (yet, or drift checks are off). */
export function DriftBadge(props: { drift: StackDetails['drift'] }) {
  return (
    <Show
      when={props.drift.last}
      fallback={
        <span class="badge badge-muted" data-testid="drift">
          {props.drift.interval_seconds > 0 ? 'not checked yet' : 'checks off'}
        </span>
      }
    >
      {(last) => (
        <span title={`checked ${new Date(last().checked_at).toLocaleString()}`}>
          <StatusBadge status={last().drifted ? 'drifted' : 'in sync'} testid="drift" />
        </span>
      )}
    </Show>
  );
}
