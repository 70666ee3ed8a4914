import { Show } from 'solid-js';
import type { Worker } from '../features/workers/index.ts';
import { formatAgo, formatBytes } from '../lib/format.ts';
import { StatusBadge } from './status-badge.tsx';

/** One worker as a table row: identity, liveness, then the facts its agent last reported. */
export function WorkerRow(props: { worker: Worker; now: number }) {
  const facts = () => props.worker.facts ?? {};
  const system = () => [facts().os_release ?? facts().os, facts().arch].filter(Boolean).join(' · ') || '—';
  const iac = () => {
    const version = facts().tofu_version;
    if (!version) return undefined;
    return `${facts().tofu_binary === 'terraform' ? 'Terraform' : 'OpenTofu'} ${version}`;
  };
  const online = () => props.worker.status === 'online';

  return (
    <tr data-testid="worker-row" data-worker-id={props.worker.id}>
      <td>
        <div class="worker-name" data-testid="worker-name">
          {props.worker.name}
        </div>
        <div class="sub mono">{facts().hostname ?? props.worker.id}</div>
      </td>
      <td>
        <StatusBadge tone={online() ? 'good' : 'muted'} testId="worker-status">
          {props.worker.status}
        </StatusBadge>
      </td>
      <td title={props.worker.last_seen ?? undefined}>{formatAgo(props.worker.last_seen, props.now)}</td>
      <td>{system()}</td>
      <td class="num">{facts().cpu_count ?? '—'}</td>
      <td class="num">{formatBytes(facts().memory_total_bytes)}</td>
      <td>
        <Show when={props.worker.facts} fallback="—">
          <Show when={facts().docker_version} fallback={<span class="warn-text">Docker unreachable</span>}>
            {(version) => version()}
          </Show>
        </Show>
      </td>
      <td>
        <Show when={props.worker.facts} fallback="—">
          <Show when={iac()} fallback={<span class="warn-text">not found</span>}>
            {(label) => label()}
          </Show>
        </Show>
      </td>
      <td class="mono" title={props.worker.version_warning ?? undefined}>
        {props.worker.agent_version ?? facts().agent_version ?? '—'}
        <Show when={props.worker.outdated}>
          {' '}
          <span class="warn-text" data-testid="worker-outdated">
            outdated
          </span>
        </Show>
      </td>
    </tr>
  );
}
