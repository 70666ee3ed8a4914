import type { WorkerList } from '../features/workers/index.ts';
import { formatBytes } from '../lib/format.ts';

/** Totals across workers: how many are up, and the capacity the online ones bring. */
export function FleetSummary(props: { list: WorkerList | undefined }) {
  const workers = () => props.list?.workers ?? [];
  const online = () => workers().filter((w) => w.status === 'online');
  const sum = (pick: (w: ReturnType<typeof online>[number]) => number | undefined) =>
    online().reduce((total, w) => total + (pick(w) ?? 0), 0);
  const known = () => props.list !== undefined;

  return (
    <section class="card" aria-labelledby="fleet-title">
      <div class="card-head">
        <h2 id="fleet-title">Fleet</h2>
      </div>
      <div class="stats">
        <Stat label="Online" value={known() ? String(online().length) : '—'} tone="good" />
        <Stat label="Offline" value={known() ? String(workers().length - online().length) : '—'} />
        <Stat label="CPUs online" value={known() ? String(sum((w) => w.facts?.cpu_count)) : '—'} />
        <Stat
          label="Memory online"
          value={known() ? formatBytes(sum((w) => w.facts?.memory_total_bytes)) : '—'}
        />
      </div>
    </section>
  );
}

function Stat(props: { label: string; value: string; tone?: 'good' }) {
  return (
    <div class="stat">
      <div class={`stat-value${props.tone && Number(props.value) > 0 ? ` stat-${props.tone}` : ''}`}>
        {props.value}
      </div>
      <div class="stat-label">{props.label}</div>
    </div>
  );
}
