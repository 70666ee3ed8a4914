import type { SimNode, SimTemplate, Simulation } from '@kombify/proto/api';
import { A, createAsync, type RouteDefinition, useAction, useSubmission } from '@solidjs/router';
import { createSignal, For, Show, type Signal } from 'solid-js';
import { AppShell } from '../components/app-shell.tsx';
import { CopyButton } from '../components/copy-button.tsx';
import { DataTable } from '../components/data-table.tsx';
import '../components/orchestration.css';
import { Empty, Section } from '../components/states.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { SubmissionNote } from '../components/submission-note.tsx';
import {
  createSimulation,
  type FaultKind,
  getNodeEvents,
  getSimulations,
  getSsh,
  getTemplates,
  setFault,
  setSimulation,
} from '../features/simulations/index.ts';
import type { EdgeResult } from '../lib/edge-result.ts';
import { preloadFrom } from '../lib/route-preload.ts';
import { usePolling } from '../lib/timers.ts';

export const route = {
  preload: preloadFrom(
    () => import('../features/simulations/index.ts'),
    (f) => [f.getTemplates(), f.getSimulations()],
  ),
} satisfies RouteDefinition;

/** KombiSim: a template gallery to create from, and the org's simulations with SSH details per node. */
export default function Simulations() {
  const templates = createAsync(() => getTemplates());
  const sims = createAsync(() => getSimulations());
  const created = useSubmission(createSimulation);
  usePolling([getSimulations.key], 5000);
  // Kept here, not in the cards: every re-read renders the cards afresh.
  const ui: CardState = {
    open: createSignal<ReadonlySet<string>>(new Set()),
    confirming: createSignal<string>(),
  };
  return (
    <AppShell title="Simulations">
      <section class="card" aria-labelledby="new-sim">
        <h2 id="new-sim">New simulation from a template</h2>
        <Section result={templates()} what="the templates" empty={<Empty title="No templates." />}>
          {(list) => (
            <form
              action={createSimulation}
              method="post"
              onChange={(e) => {
                // Picking a template sets the deploy-target box to that template's default.
                const input = e.target as HTMLInputElement;
                if (input.name !== 'template') return;
                const box = e.currentTarget.elements.namedItem('deploy_target') as HTMLInputElement | null;
                if (box) box.checked = list.find((t) => t.name === input.value)?.deploy_target ?? false;
              }}
            >
              <TemplateGallery templates={list} />
              <div class="form-row">
                <label for="sim-name">Name</label>
                <input
                  id="sim-name"
                  name="name"
                  required
                  maxLength={63}
                  pattern="[a-z0-9][a-z0-9\-]*"
                  title="lower-case letters, digits and dashes"
                  placeholder="my-lab"
                />
                <label class="checkbox">
                  <input type="checkbox" name="auto_start" checked /> Start the nodes now
                </label>
                <label class="checkbox">
                  <input
                    type="checkbox"
                    name="deploy_target"
                    data-testid="deploy-target"
                    checked={list[0]?.deploy_target ?? false}
                  />{' '}
                  Deploy target: run the kombify agent in each node, so stacks can deploy to it
                </label>
                <button
                  type="submit"
                  class="btn btn-primary"
                  disabled={created.pending}
                  data-testid="create-simulation"
                >
                  {created.pending ? 'Creating… (nodes boot and start SSH)' : 'Create simulation'}
                </button>
              </div>
              <SubmissionNote result={created.result} done="Simulation created." />
            </form>
          )}
        </Section>
      </section>
      <h2>Your simulations</h2>
      <Section
        result={sims()}
        what="your simulations"
        empty={
          <Empty title="No simulations yet." testid="sims-empty">
            <p class="muted">Pick a template above: its nodes are Debian machines you reach with SSH.</p>
          </Empty>
        }
      >
        {(list) => (
          <div class="stack-list">
            <For each={list}>{(s) => <SimulationCard sim={s} ui={ui} />}</For>
          </div>
        )}
      </Section>
    </AppShell>
  );
}

function TemplateGallery(props: { templates: SimTemplate[] }) {
  return (
    <fieldset class="choice-grid">
      <legend>Template</legend>
      <For each={props.templates}>
        {(t, i) => (
          <label class="choice" data-testid="template" data-template={t.name}>
            <input type="radio" name="template" value={t.name} checked={i() === 0} required />
            <strong>{t.name}</strong> <span class="badge badge-muted">{t.category}</span>
            <p class="small muted">{t.description}</p>
            <p class="small">
              {t.node_count} {t.node_count === 1 ? 'node' : 'nodes'}:{' '}
              {t.nodes.map((n) => `${n.name} (${n.type})`).join(', ')}
            </p>
          </label>
        )}
      </For>
    </fieldset>
  );
}

/** What the user opened or is confirming, by node and simulation id. */
type CardState = {
  open: Signal<ReadonlySet<string>>;
  confirming: Signal<string | undefined>;
};

function SimulationCard(props: { sim: Simulation; ui: CardState }) {
  const change = useAction(setSimulation);
  const [busy, setBusy] = createSignal<string>();
  const [outcome, setOutcome] = createSignal<EdgeResult<unknown>>();
  const confirming = () => props.ui.confirming[0]() === props.sim.id;
  const setConfirming = (on: boolean) => props.ui.confirming[1](on ? props.sim.id : undefined);
  const run = async (what: 'start' | 'stop' | 'delete') => {
    setBusy(what);
    setConfirming(false);
    try {
      setOutcome(await change(props.sim.id, what));
    } finally {
      setBusy(undefined);
    }
  };
  const running = () => props.sim.nodes.some((n) => n.status === 'running');
  const allRunning = () => props.sim.nodes.length > 0 && props.sim.nodes.every((n) => n.status === 'running');
  return (
    <section
      class="card"
      aria-labelledby={`sim-${props.sim.id}`}
      data-testid="simulation"
      data-simulation={props.sim.name}
    >
      <div class="card-head">
        <h3 id={`sim-${props.sim.id}`}>
          {props.sim.name} <StatusBadge status={props.sim.status} testid="sim-status" />
        </h3>
        <div class="button-row">
          <button type="button" class="btn" disabled={!!busy() || allRunning()} onClick={() => run('start')}>
            {busy() === 'start' ? 'Starting…' : 'Start'}
          </button>
          <button type="button" class="btn" disabled={!!busy() || !running()} onClick={() => run('stop')}>
            {busy() === 'stop' ? 'Stopping…' : 'Stop'}
          </button>
          <Show
            when={confirming()}
            fallback={
              <button
                type="button"
                class="btn btn-danger"
                disabled={!!busy()}
                onClick={() => setConfirming(true)}
              >
                {busy() === 'delete' ? 'Deleting…' : 'Delete'}
              </button>
            }
          >
            <button
              type="button"
              class="btn btn-danger"
              onClick={() => run('delete')}
              data-testid="confirm-delete"
            >
              Delete {props.sim.name}, its nodes and what runs on them
            </button>
            <button type="button" class="btn" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </Show>
        </div>
      </div>
      <p class="muted small">
        {props.sim.template ? `from ${props.sim.template} · ` : ''}created{' '}
        {new Date(props.sim.created_at).toLocaleString()}
      </p>
      <Show when={props.sim.deploy_target}>
        <p class="small" data-testid="sim-deploy-target">
          <span class="badge badge-good">deploy target</span> Each node runs an agent, listed as the worker{' '}
          <span class="mono">
            {props.sim.name}-{'<node>'}
          </span>
          : bind a stack's nodes to it under <A href="/stacks">Stacks</A> → Nodes and workers.
        </p>
      </Show>
      <SubmissionNote result={outcome()} done="Done." />
      <DataTable
        caption={`Nodes of ${props.sim.name}`}
        columns={['Node', 'Type', 'Status', 'SSH', 'Address', '']}
      >
        <For each={props.sim.nodes}>{(n) => <NodeRow node={n} open={props.ui.open} />}</For>
      </DataTable>
    </section>
  );
}

function NodeRow(props: { node: SimNode; open: Signal<ReadonlySet<string>> }) {
  const open = () => props.open[0]().has(props.node.id);
  const setOpen = (on: boolean) => {
    const next = new Set(props.open[0]());
    if (on) next.add(props.node.id);
    else next.delete(props.node.id);
    props.open[1](next);
  };
  return (
    <>
      <tr data-testid="sim-node" data-node={props.node.name}>
        <th scope="row">{props.node.name}</th>
        <td>
          {props.node.type}{' '}
          <span class="muted small">
            {props.node.resources.cpu} CPU · {props.node.resources.memory} · {props.node.resources.disk}
          </span>
        </td>
        <td>
          <StatusBadge status={props.node.status} testid="node-status" />
          <Show when={props.node.error}>{(e) => <span class="small"> {e()}</span>}</Show>
        </td>
        <td class="mono">{props.node.ssh_port ?? '—'}</td>
        <td class="mono">{props.node.ip || '—'}</td>
        <td>
          <button
            type="button"
            class="btn btn-small"
            aria-expanded={open()}
            aria-controls={`ssh-${props.node.id}`}
            onClick={() => setOpen(!open())}
            data-testid="ssh-toggle"
          >
            {open() ? 'Hide SSH' : 'SSH details'}
          </button>
        </td>
      </tr>
      <Show when={open()}>
        <tr id={`ssh-${props.node.id}`}>
          <td colSpan={6}>
            <SshDetails nodeId={props.node.id} />
            <NodeFaults node={props.node} />
          </td>
        </tr>
      </Show>
    </>
  );
}

function SshDetails(props: { nodeId: string }) {
  const ssh = createAsync(() => getSsh(props.nodeId));
  return (
    <Section result={ssh()} what="the SSH details">
      {(d) => (
        <div data-testid="ssh-details">
          <dl class="ssh-grid">
            <dt>Host</dt>
            <dd data-testid="ssh-host">{d.host}</dd>
            <dt>Port</dt>
            <dd data-testid="ssh-port">{d.port}</dd>
            <dt>User</dt>
            <dd data-testid="ssh-user">{d.user}</dd>
            <dt>Password</dt>
            <dd>
              <Show when={d.password} fallback={<span data-testid="ssh-password-none">—</span>}>
                <span class="mono" data-testid="ssh-password">
                  {d.password}
                </span>
              </Show>
              <Show when={d.password_note}>
                <p class="muted" data-testid="ssh-password-note">
                  {d.password_note}
                </p>
              </Show>
            </dd>
          </dl>
          <div class="command-row">
            <label class="sr-only" for={`ssh-cmd-${props.nodeId}`}>
              SSH command
            </label>
            <input
              id={`ssh-cmd-${props.nodeId}`}
              class="command mono"
              readOnly
              value={d.command}
              data-testid="ssh-command"
            />
            <CopyButton text={d.command} label="Copy command" testid="copy-ssh" />
          </div>
        </div>
      )}
    </Section>
  );
}

/** Faults to inject into a running node (a partition cuts it off from every other node), and its events. */
function NodeFaults(props: { node: SimNode }) {
  const fault = useAction(setFault);
  const events = createAsync(() => getNodeEvents(props.node.id));
  const [busy, setBusy] = createSignal<FaultKind>();
  const [outcome, setOutcome] = createSignal<EdgeResult<unknown>>();
  const run = async (kind: FaultKind) => {
    setBusy(kind);
    try {
      setOutcome(await fault(props.node.id, kind));
    } finally {
      setBusy(undefined);
    }
  };
  const running = () => props.node.status === 'running';
  const labels: [FaultKind, string][] = [
    ['kill', 'Kill (power loss)'],
    ['pause', 'Pause'],
    ['partition', 'Partition from the others'],
    ['heal', 'Heal'],
  ];
  return (
    <div data-testid="node-faults">
      <fieldset class="button-row">
        <legend class="sr-only">Faults for {props.node.name}</legend>
        <For each={labels}>
          {([kind, label]) => (
            <button
              type="button"
              class={kind === 'kill' ? 'btn btn-small btn-danger' : 'btn btn-small'}
              disabled={!!busy() || (kind !== 'heal' && !running())}
              onClick={() => run(kind)}
              data-testid={`fault-${kind}`}
            >
              {busy() === kind ? '…' : label}
            </button>
          )}
        </For>
      </fieldset>
      <SubmissionNote result={outcome()} done="Done." />
      <Section result={events()} what="the node's events">
        {(e) => (
          <ul class="small" data-testid="node-events">
            <For each={e.data}>
              {(ev) => (
                <li data-kind={ev.kind}>
                  <span class="mono">{new Date(ev.at).toLocaleTimeString()}</span> {ev.message}
                </li>
              )}
            </For>
          </ul>
        )}
      </Section>
    </div>
  );
}
