import type { ErrorCode } from '@kombify/proto/error-codes';
import { A, createAsync, type RouteDefinition } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { AppShell } from '../components/app-shell.tsx';
import { NodeCard } from '../components/node-card.tsx';
import { Empty, Section } from '../components/states.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { getDashboard } from '../features/dashboard/index.ts';
import { dataOf, type EdgeResult } from '../lib/edge-result.ts';
import { formatAgo } from '../lib/format.ts';
import { preloadFrom } from '../lib/route-preload.ts';
import { useNow, usePolling } from '../lib/timers.ts';

export const route = {
  preload: preloadFrom(
    () => import('../features/dashboard/index.ts'),
    (f) => [f.getDashboard()],
  ),
} satisfies RouteDefinition;

/** One part of the dashboard's answer as the result a section shows (a refused part is a 403). */
function partOf<T, U>(
  whole: EdgeResult<T> | undefined,
  pick: (data: T) => { data: U } | { error: { code: ErrorCode; message: string } },
): EdgeResult<U> | undefined {
  if (!whole?.ok) return whole;
  const part = pick(whole.data);
  return 'data' in part ? { ok: true, data: part.data } : { ok: false, status: 403, ...part.error };
}

/**
 * Home of a signed-in user: nodes with live status and charts, plan usage, stacks with their state
 * and latest runs, recent activity — all from one edge request (`GET /api/dashboard`), re-read
 * every 5 s.
 */
export default function Dashboard() {
  const dashboard = createAsync(() => getDashboard());
  const now = useNow();
  usePolling([getDashboard.key], 5000);
  const me = () => partOf(dashboard(), (d) => ({ data: d.me }));
  const nodes = () => partOf(dashboard(), (d) => d.nodes);
  const workers = () => partOf(nodes(), (n) => ({ data: n.workers }));
  const activity = () => partOf(dashboard(), (d) => ({ data: d.activity }));
  const stacks = () => partOf(dashboard(), (d) => d.stacks);
  const stackList = () => partOf(stacks(), (s) => ({ data: s.stacks }));
  const runs = () => partOf(stacks(), (s) => ({ data: s.runs }));
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
      <div class="grid">
        <section aria-labelledby="stacks-title" class="card">
          <div class="card-head">
            <h2 id="stacks-title">Stacks</h2>
            <Show when={dataOf(stacks())}>
              {(s) => (
                <A href="/stacks" class="small">
                  All {s().total} stacks
                </A>
              )}
            </Show>
          </div>
          <Section
            result={stackList()}
            what="your stacks"
            empty={
              <Empty title="No stacks yet." testid="dashboard-stacks-empty">
                <p class="muted">
                  <A href="/stacks/new">Create a stack</A> from a StackKit and deploy it to your nodes.
                </p>
              </Empty>
            }
          >
            {(list) => (
              <ul class="activity" data-testid="dashboard-stacks">
                <For each={list}>
                  {(st) => (
                    <li data-testid="dashboard-stack" data-stack={st.name}>
                      <span>
                        <A href={`/stacks/${st.id}`}>{st.name}</A> <span class="muted small">{st.kit}</span>
                      </span>
                      <StatusBadge status={st.status} testid="stack-status" />
                    </li>
                  )}
                </For>
              </ul>
            )}
          </Section>
        </section>
        <section aria-labelledby="runs-title" class="card">
          <h2 id="runs-title">Recent runs</h2>
          <Section result={runs()} what="recent runs" empty={<Empty title="No runs yet." />}>
            {(list) => (
              <ul class="activity" data-testid="dashboard-runs">
                <For each={list}>
                  {(r) => (
                    <li data-testid="dashboard-run" data-run={r.id} data-status={r.status}>
                      <span>
                        <A href={`/stacks/${r.stack_id}?run=${r.id}`}>
                          {r.kind} {r.stack_name}
                        </A>{' '}
                        <StatusBadge status={r.status} />
                      </span>
                      <Ago at={r.created_at} now={now()} />
                    </li>
                  )}
                </For>
              </ul>
            )}
          </Section>
        </section>
      </div>
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
                    <Ago at={a.at} now={now()} />
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

function Ago(props: { at: string; now: number }) {
  return (
    <time class="muted" datetime={props.at}>
      {formatAgo(props.at, props.now)}
    </time>
  );
}
