import type { JSX } from 'solid-js';

export type BadgeTone = 'good' | 'warn' | 'bad' | 'muted';

/** A coloured pill with a dot: status at a glance, the word for screen readers and tests. */
export function StatusBadge(props: { tone: BadgeTone; children: JSX.Element; testId?: string }) {
  return (
    <span class={`badge badge-${props.tone}`} data-testid={props.testId}>
      <span class="badge-dot" aria-hidden="true" />
      {props.children}
    </span>
  );
}
