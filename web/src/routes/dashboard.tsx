import { A, createAsync, type RouteDefinition } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { AppShell } from '../components/app-shell.tsx';
import { NodeCard } from '../components/node-card.tsx';
import { Empty, Section } from '../components/states.tsx';
import { getActivity } from '../features/account/index.ts';
import { getPlan } from '../features/billing/index.ts';
import { getSamples, getWorkers } from '../features/nodes/index.ts';
import { dataOf } from '../lib/edge-result.ts';
import { formatAgo } from '../lib/format.ts';
import { useNow, usePolling } from '../lib/timers.ts';

export const route = {
  preload: () => {
    void getWorkers();
    void getSamples();
    void getActivity();
    void getPlan();
  },
} satisfies RouteDefinition;

/**
 * Home of a signed-in user: nodes with live status and charts, plan usage, recent activity.
 * Re-read every 5 s. Stacks and workflow runs join this page when their APIs land.
 */
export default function Dashboard() {
  const workers = createAsync(() => getWorkers());
  const samples = createAsync(() => getSamples());
  const activity = createAsync(() => getActivity());
  const plan = createAsync(() => getPlan());
  const now = useNow();
  usePolling([getWorkers.key, getSamples.key, getActivity.key], 5000);
  const samplesOf = (id: string) => dataOf(samples())?.find((s) => s.worker_id === id)?.samples;
  const online = () => dataOf(workers())?.filter((w) => w.status === 'online').length ?? 0;

  return (
    <AppShell
      title="Dashboard"
      actions={
        <A class="btn btn-primary" href="/nodes/add">
          Add a node
        </A>
      }
    >
      <div class="stats" data-testid="summary">
        <div class="card stat">
          <div class="stat-value" data-testid="nodes-online">
            {online()}
          </div>
          <div class="stat-label">nodes online</div>
        </div>
        <div class="card stat">
          <div class="stat-value">{dataOf(workers())?.length ?? '—'}</div>
          <div class="stat-label">nodes enrolled</div>
        </div>
        <Show when={dataOf(plan())}>
          {(p) => (
            <div class="card stat">
              <div class="stat-value capitalize">{p().plan}</div>
              <div class="stat-label">
                plan · {p().usage.nodes} of {p().limits.nodes} nodes
              </div>
            </div>
          )}
        </Show>
      </div>
      <section aria-labelledby="nodes-title">
        <h2 id="nodes-title">Nodes</h2>
        <Section
          result={workers()}
          what="your nodes"
          empty={
            <Empty title="No nodes yet." testid="nodes-empty">
              <p class="muted">
                Connect your first machine: <A href="/nodes/add">Add a node</A> gives you a one-line
                installer.
              </p>
            </Empty>
          }
        >
          {(list) => (
            <ul class="node-grid" data-testid="node-list">
              <For each={list}>{(w) => <NodeCard worker={w} samples={samplesOf(w.id)} now={now()} />}</For>
            </ul>
          )}
        </Section>
      </section>
      <section aria-labelledby="activity-title" class="card">
        <h2 id="activity-title">Recent activity</h2>
        <Section
          result={activity()}
          what="recent activity"
          empty={<Empty title="Nothing has happened yet." />}
        >
          {(list) => (
            <ul class="activity" data-testid="activity">
              <For each={list.slice(0, 10)}>
                {(a) => (
                  <li>
                    <span>{a.message}</span>
                    <time class="muted" datetime={a.at}>
                      {formatAgo(a.at, now())}
                    </time>
                  </li>
                )}
              </For>
            </ul>
          )}
        </Section>
      </section>
    </AppShell>
  );
}
