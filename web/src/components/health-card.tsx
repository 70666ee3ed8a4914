import { For, Show } from 'solid-js';
import type { EdgeHealth, HealthStatus } from '../features/health/index.ts';
import { dataOf, type EdgeResult } from '../lib/edge-result.ts';
import { type BadgeTone, StatusBadge } from './status-badge.tsx';

const TONE: Record<HealthStatus, BadgeTone> = { healthy: 'good', degraded: 'warn', unhealthy: 'bad' };

function tone(status: string): BadgeTone {
  return TONE[status as HealthStatus] ?? 'muted';
}

/** Edge status, version and each dependency check it reports. */
export function HealthCard(props: { result: EdgeResult<EdgeHealth> | undefined }) {
  const health = () => dataOf(props.result);
  const status = () => {
    if (!props.result) return 'unknown';
    if (props.result.ok) return props.result.data.status;
    return props.result.error.kind === 'unreachable' ? 'unreachable' : 'error';
  };

  return (
    <section class="card" aria-labelledby="health-title">
      <div class="card-head">
        <h2 id="health-title">Edge</h2>
        <StatusBadge tone={health() ? tone(status()) : 'bad'} testId="health-status">
          {status()}
        </StatusBadge>
      </div>
      <dl class="facts">
        <div>
          <dt>Address</dt>
          <dd class="mono">{props.result?.edgeUrl ?? '—'}</dd>
        </div>
        <div>
          <dt>Version</dt>
          <dd class="mono">{health()?.version ?? '—'}</dd>
        </div>
        <For each={Object.entries(health()?.checks ?? {})}>
          {([name, check]) => (
            <div>
              <dt class="capitalize">{name}</dt>
              <dd>
                <span class={`check check-${tone(check.status)}`}>{check.status}</span>
                <Show when={typeof check.latency_ms === 'number'}>
                  <span class="muted"> · {check.latency_ms} ms</span>
                </Show>
              </dd>
            </div>
          )}
        </For>
      </dl>
    </section>
  );
}
