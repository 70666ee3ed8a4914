/** Words for a run, stack or node status, and the badge tone that goes with each. */
const GOOD = new Set(['running', 'succeeded', 'deployed', 'online', 'passed', 'in sync', 'ready']);
const BAD = new Set(['error', 'failed', 'rejected', 'timeout', 'drifted', 'cancelled', 'down']);
const WARN = new Set(['awaiting_approval', 'partial', 'pending_approval', 'queued']);

export function StatusBadge(props: { status: string; testid?: string }) {
  const tone = () =>
    GOOD.has(props.status)
      ? 'good'
      : BAD.has(props.status)
        ? 'bad'
        : WARN.has(props.status)
          ? 'warn'
          : 'muted';
  return (
    <span class={`badge badge-${tone()}`} data-testid={props.testid} data-status={props.status}>
      <span class="badge-dot" aria-hidden="true" />
      {props.status.replaceAll('_', ' ')}
    </span>
  );
}
