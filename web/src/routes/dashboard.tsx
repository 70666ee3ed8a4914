import { A, createAsync, type RouteDefinition } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { AppShell } from '../components/app-shell.tsx';
import { NodeCard } from '../components/node-card.tsx';
import { Empty, Section } from '../components/states.tsx';
import { getDashboard } from '../features/dashboard/index.ts';
import { dataOf, type EdgeResult } from '../lib/edge-result.ts';
import { formatAgo } from '../lib/format.ts';
import { useNow, usePolling } from '../lib/timers.ts';

export const route = {
  preload: () => {
    void getDashboard();
  },
} satisfies RouteDefinition;

/** One part of the dashboard's answer as the result a section shows (a refused part is a 403). */
function partOf<T, U>(
  whole: EdgeResult<T> | undefined,
  pick: (data: T) => { data: U } | { error: { code: string; message: string } },
): EdgeResult<U> | undefined {
  if (!whole?.ok) return whole;
  const part = pick(whole.data);
  return 'data' in part ? { ok: true, data: part.data } : { ok: false, status: 403, ...part.error };
}

/**
 * Home of a signed-in user: nodes with live status and charts, plan usage, recent activity — all
 * from one edge request (`GET /api/dashboard`), re-read every 5 s. Stacks and workflow runs join
 * this page when their APIs land.
 */
export default function Dashboard() {
  const dashboard = createAsync(() => getDashboard());
  const now = useNow();
  usePolling([getDashboard.key], 5000);
  const me = () => partOf(dashboard(), (d) => ({ data: d.me }));
  const nodes = () => partOf(dashboard(), (d) => d.nodes);
  const workers = () => partOf(nodes(), (n) => ({ data: n.workers }));
  const activity = () => partOf(dashboard(), (d) => ({ data: d.activity }));
  const plan = () => dataOf(dashboard())?.plan;
  const samplesOf = (id: string) => dataOf(nodes())?.samples.find((s) => s.worker_id === id)?.samples;
  const online = () => dataOf(workers())?.filter((w) => w.status === 'online').length ?? 0;

  return (
    <AppShell
      title="Dashboard"
      me={me}
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
        <Show when={plan()}>
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
