/**
 * The stack's nodes and the workers they run on: bound here, approved here, or proposed from one
 * of the org's simulations (GET /stacks/{id}/bindings/proposal: by role, vps nodes for cloud
 * providers) and then reviewed and saved like a manual choice.
 */
import type { BindingProposal, Simulation, StackNode, Worker } from '@kombify/proto/api';
import { createAsync, useAction } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { getSimulations } from '../features/simulations/index.ts';
import {
  approveWorker,
  bindNodes,
  getStackNodes,
  getWorkers,
  proposeBindings,
} from '../features/stacks/index.ts';
import { dataOf, type EdgeResult } from '../lib/edge-result.ts';
import { DataTable } from './data-table.tsx';
import { Section } from './states.tsx';
import { StatusBadge } from './status-badge.tsx';
import { SubmissionNote } from './submission-note.tsx';

/** Each node of the spec with the worker it runs on; unapproved workers can be approved here. */
export function Bindings(props: { stackId: string }) {
  const nodes = createAsync(() => getStackNodes(props.stackId));
  const workers = createAsync(() => getWorkers());
  const bind = useAction(bindNodes);
  const approve = useAction(approveWorker);
  const [choice, setChoice] = createSignal<Record<string, string>>({});
  const [outcome, setOutcome] = createSignal<EdgeResult<unknown>>();
  const [proposal, setProposal] = createSignal<EdgeResult<BindingProposal>>();
  const reasonOf = (node: string) => dataOf(proposal())?.nodes.find((n) => n.node === node);
  const propose = async (simulation: string) => {
    const r = await proposeBindings(props.stackId, simulation);
    setProposal(r);
    if (!r.ok) return;
    const picked = r.data.nodes.filter((n) => n.worker_id).map((n) => [n.node, n.worker_id as string]);
    setChoice({ ...choice(), ...Object.fromEntries(picked) });
  };
  const machines = () => (dataOf(workers()) ?? []).filter((w) => !w.simulated);
  const simulated = () => (dataOf(workers()) ?? []).filter((w) => w.simulated);
  const save = async (e: SubmitEvent, list: StackNode[]) => {
    e.preventDefault();
    const chosen = Object.fromEntries(list.map((n) => [n.name, choice()[n.name] ?? n.worker_id ?? '']));
    setOutcome(await bind(props.stackId, chosen));
  };
  return (
    <section class="card" aria-labelledby="nodes-title">
      <h2 id="nodes-title">Nodes and workers</h2>
      <ProposeFromSimulation onPropose={propose} />
      <Show when={proposal()}>{(p) => <ProposalNote result={p()} />}</Show>
      <Section result={nodes()} what="the stack's nodes">
        {(list) => (
          <form onSubmit={(e) => save(e, list)}>
            <DataTable
              caption="Nodes and the workers they are bound to"
              columns={['Node', 'Type', 'Worker', 'Status', '']}
            >
              <For each={list}>
                {(n) => (
                  <tr data-testid="stack-node" data-node={n.name}>
                    <th scope="row">{n.name}</th>
                    <td>{n.type}</td>
                    <td>
                      <label class="sr-only" for={`bind-${n.name}`}>
                        Worker for {n.name}
                      </label>
                      <select
                        id={`bind-${n.name}`}
                        data-testid="bind-select"
                        value={choice()[n.name] ?? n.worker_id ?? ''}
                        onChange={(e) => setChoice({ ...choice(), [n.name]: e.currentTarget.value })}
                      >
                        <option value="">the worker named {n.name}</option>
                        <optgroup label="Your nodes">
                          <For each={machines()}>{(w) => <WorkerOption worker={w} />}</For>
                        </optgroup>
                        <Show when={simulated().length > 0}>
                          <optgroup label="Simulated nodes (KombiSim deploy targets)">
                            <For each={simulated()}>{(w) => <WorkerOption worker={w} />}</For>
                          </optgroup>
                        </Show>
                      </select>
                    </td>
                    <td>
                      <StatusBadge status={n.status} testid="node-binding-status" />
                      <Show when={n.problem}>{(p) => <span class="small muted"> {p()}</span>}</Show>
                      <Show when={reasonOf(n.name)}>
                        {(r) => (
                          <div class="small muted" data-testid="proposal-reason">
                            Proposed: {r().sim_node} — {r().reason}
                            {r().worker_id
                              ? ''
                              : ' (its agent has not enrolled: is the simulation a deploy target?)'}
                          </div>
                        )}
                      </Show>
                    </td>
                    <td>
                      <Show when={n.status === 'pending_approval' && n.worker_id}>
                        {(wid) => (
                          <button
                            type="button"
                            class="btn btn-small"
                            data-testid="approve-worker"
                            onClick={async () => setOutcome(await approve(wid()))}
                          >
                            Approve {n.worker_name} for stacks
                          </button>
                        )}
                      </Show>
                    </td>
                  </tr>
                )}
              </For>
            </DataTable>
            <div class="form-row">
              <button type="submit" class="btn" data-testid="save-bindings">
                Save bindings
              </button>
            </div>
            <SubmissionNote result={outcome()} done="Saved." />
          </form>
        )}
      </Section>
    </section>
  );
}

function WorkerOption(props: { worker: Worker }) {
  return (
    <option value={props.worker.id}>
      {props.worker.name} ({props.worker.status})
    </option>
  );
}

/** Pick a simulation, get a proposal: it fills the choices below, nothing is saved yet. */
function ProposeFromSimulation(props: { onPropose: (simulation: string) => Promise<void> }) {
  const sims = createAsync(() => getSimulations());
  const [picked, setPicked] = createSignal('');
  const list = (): Simulation[] => dataOf(sims()) ?? [];
  return (
    <Show when={list().length > 0}>
      <form
        class="form-row"
        onSubmit={async (e) => {
          e.preventDefault();
          const id = picked() || list()[0]?.id;
          if (id) await props.onPropose(id);
        }}
      >
        <label for="propose-simulation">Propose from a simulation</label>
        <select
          id="propose-simulation"
          data-testid="propose-simulation"
          value={picked() || list()[0]?.id}
          onChange={(e) => setPicked(e.currentTarget.value)}
        >
          <For each={list()}>
            {(s) => (
              <option value={s.id}>
                {s.name} ({s.template ?? 'custom'}, {s.nodes.length} nodes)
              </option>
            )}
          </For>
        </select>
        <button type="submit" class="btn btn-small" data-testid="propose-bindings">
          Propose bindings
        </button>
      </form>
    </Show>
  );
}

function ProposalNote(props: { result: EdgeResult<BindingProposal> }) {
  return (
    <Show when={dataOf(props.result)} fallback={<SubmissionNote result={props.result} done="" />}>
      {(p) => (
        <p class="small" role="status" data-testid="proposal-note">
          Proposed {p().nodes.length} binding{p().nodes.length === 1 ? '' : 's'}: review them below and save.
          <Show when={p().unmatched.length > 0}>
            {' '}
            Not placed:{' '}
            {p()
              .unmatched.map((u) => `${u.node} (${u.reason})`)
              .join('; ')}
            .
          </Show>
        </p>
      )}
    </Show>
  );
}
