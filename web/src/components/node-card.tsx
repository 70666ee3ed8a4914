import type { Worker, WorkerSamples } from '@kombify/proto/api';
import { Show } from 'solid-js';
import { formatAgo, formatBytes } from '../lib/format.ts';
import { Sparkline } from './sparkline.tsx';

/** One node: status, what it runs on, and its last hour of CPU, memory and disk. */
export function NodeCard(props: { worker: Worker; samples?: WorkerSamples['samples']; now: number }) {
  const f = () => props.worker.facts;
  const series = (k: 'cpu' | 'memory' | 'disk') => (props.samples ?? []).map((s) => s[k]);
  return (
    <li class="card node-card" data-testid="node-card" data-node={props.worker.name}>
      <div class="card-head">
        <h3>
          <a href={`/nodes/${encodeURIComponent(props.worker.id)}`} data-testid="node-link">
            {props.worker.name}
          </a>
        </h3>
        <span
          class={`badge badge-${props.worker.status === 'online' ? 'good' : 'muted'}`}
          data-testid="node-status"
        >
          <span class="badge-dot" aria-hidden="true" />
          {props.worker.status}
        </span>
      </div>
      <p class="muted small">
        {String(f().os_release || f().os || 'unknown OS')} · {String(f().arch ?? '')} ·{' '}
        {String(f().cpu_count ?? '?')} CPU · {formatBytes(f().memory_total_bytes)} · seen{' '}
        {formatAgo(props.worker.last_seen, props.now)}
      </p>
      <Show when={props.worker.outdated}>
        <p class="notice notice-warn small">{props.worker.version_warning}</p>
      </Show>
      <div class="sparks">
        {/* Load per core: 1 means every core busy; an overloaded node reads above 1. */}
        <Sparkline
          label="CPU load"
          values={series('cpu')}
          testid="spark-cpu"
          format={(v) => `${v.toFixed(2)} / core`}
        />
        <Sparkline label="Memory" values={series('memory')} testid="spark-memory" />
        <Sparkline label="Disk" values={series('disk')} testid="spark-disk" />
      </div>
    </li>
  );
}
