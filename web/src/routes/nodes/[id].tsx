import type { Container } from '@kombify/proto/api';
import { A, createAsync, revalidate, useAction, useParams } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { AppShell } from '../../components/app-shell.tsx';
import '../../components/orchestration.css';
import { ConfirmButton } from '../../components/confirm-button.tsx';
import { ContainerLogs } from '../../components/container-logs.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { Empty, Problem, Section } from '../../components/states.tsx';
import { containerAction, getContainers, getWorker } from '../../features/nodes/index.ts';
import type { EdgeResult } from '../../lib/edge-result.ts';
import { formatAgo } from '../../lib/format.ts';
import { useNow } from '../../lib/timers.ts';

/**
 * A node: what it is, and the containers kombify manages on it — their state, health and ports,
 * start / stop / restart, and each one's log (tail, follow, search, download).
 */
export default function NodePage() {
  const params = useParams<{ id: string }>();
  const worker = createAsync(() => getWorker(params.id));
  const containers = createAsync(() => getContainers(params.id));
  const act = useAction(containerAction);
  const [viewing, setViewing] = createSignal<string>();
  const [outcome, setOutcome] = createSignal<EdgeResult<unknown>>();
  const [busy, setBusy] = createSignal<string>();
  const now = useNow();

  const run = async (name: string, action: 'start' | 'stop' | 'restart') => {
    setBusy(`${name}:${action}`);
    setOutcome(await act(params.id, name, action));
    setBusy(undefined);
    await revalidate(getContainers.keyFor(params.id));
  };
  const name = () => {
    const w = worker();
    return w?.ok ? w.data.name : 'Node';
  };

  return (
    <AppShell title={name()}>
      <p>
        <A href="/dashboard">← Dashboard</A>
      </p>
      <Section result={worker()} what="the node">
        {(w) => (
          <p class="muted" data-testid="node-summary">
            <span class={`badge badge-${w.status === 'online' ? 'good' : 'muted'}`}>{w.status}</span>{' '}
            {String(w.facts.os_release ?? w.facts.os ?? '')} · agent {w.agent_version} · seen{' '}
            {formatAgo(w.last_seen, now())}
          </p>
        )}
      </Section>
      <Show when={outcome() && !outcome()!.ok ? outcome() : undefined}>
        {(f) => <Problem result={f() as never} what="the action" />}
      </Show>
      <h2>Containers</h2>
      <Section
        result={containers()}
        what="the node's containers"
        empty={
          <Empty title="No containers" testid="containers-empty">
            Nothing kombify manages runs on this node yet. Deploy a stack to it.
          </Empty>
        }
      >
        {(list: Container[]) => (
          <DataTable
            caption="Containers kombify manages on this node"
            columns={['Name', 'Stack', 'Image', 'State', 'Ports', 'Started', '']}
            card
          >
            <For each={list}>
              {(c) => (
                <tr data-testid="container-row" data-container={c.name}>
                  <th scope="row">{c.name}</th>
                  <td>{c.stack ? `${c.stack}${c.service ? ` / ${c.service}` : ''}` : '—'}</td>
                  <td>
                    <code>{c.image}</code>
                  </td>
                  <td data-testid="container-state">
                    {c.state}
                    {c.health ? ` (${c.health})` : ''}
                    {c.restarts > 0 ? ` · ${c.restarts} restarts` : ''}
                  </td>
                  <td>
                    {c.ports
                      .map((p) =>
                        p.host ? `${p.host}→${p.container}/${p.protocol}` : `${p.container}/${p.protocol}`,
                      )
                      .join(', ') || '—'}
                  </td>
                  <td>{c.started_at ? formatAgo(c.started_at, now()) : '—'}</td>
                  <td class="row-actions">
                    <button
                      type="button"
                      class="btn btn-small"
                      onClick={() => setViewing(c.name)}
                      data-testid="container-logs-open"
                    >
                      Logs
                    </button>
                    <Show
                      when={c.state === 'running'}
                      fallback={
                        <button
                          type="button"
                          class="btn btn-small"
                          disabled={!!busy()}
                          onClick={() => run(c.name, 'start')}
                          data-testid="container-start"
                        >
                          Start
                        </button>
                      }
                    >
                      <ConfirmButton
                        label="Restart"
                        title={`Restart ${c.name}?`}
                        confirmLabel="Restart"
                        disabled={!!busy()}
                        onConfirm={() => run(c.name, 'restart')}
                        testid="container-restart"
                      >
                        <p>It stops (10 s to end cleanly) and starts again; its data stays.</p>
                      </ConfirmButton>
                      <ConfirmButton
                        label="Stop"
                        title={`Stop ${c.name}?`}
                        confirmLabel="Stop"
                        danger
                        disabled={!!busy()}
                        onConfirm={() => run(c.name, 'stop')}
                        testid="container-stop"
                      >
                        <p>What it serves is down until you start it again.</p>
                      </ConfirmButton>
                    </Show>
                  </td>
                </tr>
              )}
            </For>
          </DataTable>
        )}
      </Section>
      <Show when={viewing()} keyed>
        {(n) => <ContainerLogs workerId={params.id} name={n} onClose={() => setViewing(undefined)} />}
      </Show>
    </AppShell>
  );
}
