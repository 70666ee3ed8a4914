import { For, Match, Show, Switch } from 'solid-js';
import type { WorkerList } from '../features/workers/index.ts';
import { type EdgeResult, problemOf } from '../lib/edge-result.ts';
import { WorkerRow } from './worker-row.tsx';

const COLUMNS = [
  'Name',
  'Status',
  'Last seen',
  'System',
  'CPU',
  'Memory',
  'Docker',
  'OpenTofu / Terraform',
  'Agent',
];
const NUMERIC = new Set(['CPU', 'Memory']);

/** The worker table, or why there is none: no token, edge refused, edge down, or nobody enrolled. */
export function WorkersPanel(props: { result: EdgeResult<WorkerList> | undefined; now: number }) {
  const list = () => (props.result?.ok ? props.result.data : undefined);
  const online = () => list()?.workers.filter((w) => w.status === 'online').length ?? 0;

  return (
    <section class="card" aria-labelledby="workers-title">
      <div class="card-head">
        <h2 id="workers-title">Workers</h2>
        <Show when={list()}>
          {(l) => (
            <p class="muted">
              {online()} online · {l().total} enrolled
            </p>
          )}
        </Show>
      </div>
      <Switch>
        <Match when={problemOf(props.result, 'no-token')}>
          {(p) => (
            <div class="notice" data-testid="workers-error">
              <p class="notice-title">No admin token, so the worker list cannot be read.</p>
              <p>
                The web server reads it from <code>KOMBIFY_ADMIN_TOKEN</code>, else from the file{' '}
                <code>{p().tokenFile}</code> (set <code>KOMBIFY_ADMIN_TOKEN_FILE</code> to use another). Run{' '}
                <code>npm start</code> once: the edge writes its admin token to that file on first start.
              </p>
            </div>
          )}
        </Match>
        <Match when={problemOf(props.result, 'http')}>
          {(p) => (
            <div class="notice" data-testid="workers-error">
              <p class="notice-title">
                The edge refused the worker list (HTTP {p().status}, {p().code}).
              </p>
              <p>
                {p().message}
                <Show when={p().status === 401 || p().status === 403}>
                  {' '}
                  Check that <code>KOMBIFY_ADMIN_TOKEN</code> (or the token file) holds the token this edge
                  issued.
                </Show>
              </p>
            </div>
          )}
        </Match>
        <Match when={problemOf(props.result, 'unreachable')}>
          <p class="empty muted">The worker list will appear once the edge answers.</p>
        </Match>
        <Match when={list()?.workers.length === 0}>
          <div class="empty" data-testid="workers-empty">
            <p class="notice-title">No workers yet.</p>
            <p class="muted">
              Run <code>npm start</code> with a Docker engine, or enroll a node with{' '}
              <code>kombify-agent enroll</code> (see <code>kombify-agent enroll --help</code>).
            </p>
          </div>
        </Match>
        <Match when={list()}>
          {(l) => (
            <div class="table-wrap">
              <table class="workers">
                <thead>
                  <tr>
                    <For each={COLUMNS}>{(c) => <th class={NUMERIC.has(c) ? 'num' : undefined}>{c}</th>}</For>
                  </tr>
                </thead>
                <tbody>
                  <For each={l().workers}>{(worker) => <WorkerRow worker={worker} now={props.now} />}</For>
                </tbody>
              </table>
            </div>
          )}
        </Match>
      </Switch>
    </section>
  );
}
