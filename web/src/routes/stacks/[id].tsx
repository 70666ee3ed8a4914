import {
  A,
  createAsync,
  type RouteDefinition,
  useAction,
  useNavigate,
  useParams,
  useSearchParams,
} from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { AppShell } from '../../components/app-shell.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { DriftBadge } from '../../components/drift-badge.tsx';
import '../../components/orchestration.css';
import { SpecEditor, type Validation } from '../../components/spec-editor.tsx';
import { Bindings } from '../../components/stack-bindings.tsx';
import { Empty, Section } from '../../components/states.tsx';
import { StatusBadge } from '../../components/status-badge.tsx';
import { SubmissionNote } from '../../components/submission-note.tsx';
import { SwarmCard, swarmKits } from '../../components/swarm-card.tsx';
import { WorkflowRun } from '../../components/workflow-run.tsx';
import {
  addSpecVersion,
  deleteStack,
  getRuns,
  getSpec,
  getStack,
  getVersions,
  rollback,
  startRun,
} from '../../features/stacks/index.ts';
import { dataOf, type EdgeResult } from '../../lib/edge-result.ts';
import { preloadFrom } from '../../lib/route-preload.ts';
import { usePolling } from '../../lib/timers.ts';

export const route = {
  preload: preloadFrom(
    () => import('../../features/stacks/index.ts'),
    (f, { params }) => [f.getStack(params.id!), f.getRuns(params.id!), f.getStackNodes(params.id!)],
  ),
} satisfies RouteDefinition;

/** One stack: state and drift, nodes bound to workers, runs (plan, approval, live logs), spec history. */
export default function StackPage() {
  const params = useParams<{ id: string }>();
  const [search, setSearch] = useSearchParams<{ run?: string }>();
  const stack = createAsync(() => getStack(params.id));
  const runs = createAsync(() => getRuns(params.id));
  usePolling([getStack.keyFor(params.id), getRuns.keyFor(params.id)], 5000);
  const start = useAction(startRun);
  const remove = useAction(deleteStack);
  const navigate = useNavigate();
  const [outcome, setOutcome] = createSignal<EdgeResult<unknown>>();
  const [busy, setBusy] = createSignal<string>();
  const selectedRun = () => search.run ?? dataOf(runs())?.[0]?.id;

  const begin = async (kind: 'deploy' | 'plan' | 'destroy') => {
    setBusy(kind);
    try {
      const r = await start(params.id, kind);
      setOutcome(r);
      if (r.ok) setSearch({ run: r.data.id });
    } finally {
      setBusy(undefined);
    }
  };
  const drop = async () => {
    const r = await remove(params.id);
    setOutcome(r);
    if (r.ok) navigate('/stacks');
  };

  return (
    <AppShell title={dataOf(stack())?.name ?? 'Stack'}>
      <Section result={stack()} what="the stack">
        {(s) => (
          <section class="card" aria-label="Summary" data-testid="stack-summary">
            <div class="card-head">
              <p class="button-row">
                <StatusBadge status={s.status} testid="stack-status" /> <span>{s.kit}</span>
                <span class="muted">version {s.current_version}</span>
                <span>
                  drift: <DriftBadge drift={s.drift} />
                </span>
              </p>
              <div class="button-row">
                <button
                  type="button"
                  class="btn btn-primary"
                  disabled={!!busy() || !!s.active_workflow_id}
                  onClick={() => begin('deploy')}
                  data-testid="deploy"
                >
                  {busy() === 'deploy' ? 'Starting…' : 'Deploy'}
                </button>
                <button type="button" class="btn" disabled={!!busy()} onClick={() => begin('plan')}>
                  Plan only
                </button>
                <button
                  type="button"
                  class="btn btn-danger"
                  disabled={!!busy() || s.status !== 'deployed'}
                  onClick={() => begin('destroy')}
                >
                  Destroy
                </button>
                <button
                  type="button"
                  class="btn btn-danger"
                  disabled={!!busy() || s.status === 'deployed' || !!s.active_workflow_id}
                  onClick={drop}
                >
                  Delete stack
                </button>
              </div>
            </div>
            <p class="muted small">
              Deploy plans first and waits for your approval before it changes anything.
              {s.drift.last?.drifted
                ? ` Drift found ${new Date(s.drift.last.checked_at).toLocaleString()}: ${s.drift.last.services
                    .map((d) => `${d.action} ${d.service} on ${d.node}`)
                    .join(', ')}.`
                : ''}
            </p>
            <SubmissionNote result={outcome()} done="Started." />
          </section>
        )}
      </Section>

      <Bindings stackId={params.id} />

      <Show when={swarmKits.has(dataOf(stack())?.kit ?? '')}>
        <SwarmCard stackId={params.id} />
      </Show>

      <section class="card" aria-labelledby="runs-title">
        <h2 id="runs-title">Runs</h2>
        <Section result={runs()} what="the runs" empty={<Empty title="No runs yet." testid="runs-empty" />}>
          {(list) => (
            <nav aria-label="Runs">
              <ul class="button-row">
                <For each={list.slice(0, 8)}>
                  {(r) => (
                    <li style={{ 'list-style': 'none' }}>
                      <A
                        href={`/stacks/${params.id}?run=${r.id}`}
                        class="btn btn-small"
                        aria-current={r.id === selectedRun() ? 'true' : undefined}
                      >
                        {r.kind} · {r.status.replaceAll('_', ' ')} ·{' '}
                        {new Date(r.created_at).toLocaleTimeString()}
                      </A>
                    </li>
                  )}
                </For>
              </ul>
            </nav>
          )}
        </Section>
        <Show when={selectedRun()} keyed>
          {(id) => <WorkflowRun id={id} stackId={params.id} />}
        </Show>
      </section>

      <SpecHistory stackId={params.id} />
    </AppShell>
  );
}

/** Every accepted spec version, rollback to one, and editing the current spec into a new version. */
function SpecHistory(props: { stackId: string }) {
  const versions = createAsync(() => getVersions(props.stackId));
  const spec = createAsync(() => getSpec(props.stackId));
  const back = useAction(rollback);
  const add = useAction(addSpecVersion);
  const [outcome, setOutcome] = createSignal<EdgeResult<unknown>>();
  const [draft, setDraft] = createSignal<string>();
  const [validation, setValidation] = createSignal<Validation>({ state: 'idle' });
  const text = () => draft() ?? dataOf(spec())?.source ?? '';
  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    const r = await add(props.stackId, text(), dataOf(spec())?.options);
    setOutcome(r);
    if (r.ok) setDraft(undefined);
  };
  return (
    <section class="card" aria-labelledby="spec-history">
      <h2 id="spec-history">Spec history</h2>
      <Section result={versions()} what="the spec versions">
        {(list) => (
          <DataTable caption="Spec versions" columns={['Version', 'Created', 'Note', '']}>
            <For each={[...list].reverse()}>
              {(v) => (
                <tr data-testid="version-row" data-version={v.version}>
                  <th scope="row">
                    v{v.version}{' '}
                    <Show when={v.current}>
                      <span class="badge badge-good">current</span>
                    </Show>
                  </th>
                  <td class="small">{new Date(v.created_at).toLocaleString()}</td>
                  <td class="small">{v.note ?? '—'}</td>
                  <td>
                    <Show when={!v.current}>
                      <button
                        type="button"
                        class="btn btn-small"
                        data-testid="rollback"
                        onClick={async () => setOutcome(await back(props.stackId, v.version))}
                      >
                        Roll back to v{v.version}
                      </button>
                    </Show>
                  </td>
                </tr>
              )}
            </For>
          </DataTable>
        )}
      </Section>
      <SubmissionNote result={outcome()} done="New current version saved; deploy to apply it." />
      <details>
        <summary>Edit the current spec</summary>
        <form onSubmit={save}>
          <label class="label" for="edit-spec" id="edit-spec-label">
            kombination.yaml (saved as a new version)
          </label>
          <SpecEditor
            id="edit-spec"
            labelledBy="edit-spec-label"
            value={text()}
            onInput={setDraft}
            onValidated={setValidation}
          />
          <div class="form-row">
            <button
              type="submit"
              class="btn"
              disabled={validation().state !== 'valid' || draft() === undefined}
            >
              Save as a new version
            </button>
          </div>
        </form>
      </details>
    </section>
  );
}
