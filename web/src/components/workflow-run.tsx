import {
  type NodeChanges,
  nodeChangesList,
  type Workflow,
  type WorkflowEvent,
  type WorkflowLogItem,
  workflowEvent,
  workflowLogItem,
} from '@kombify/proto/api';
import { createAsync, revalidate, useAction } from '@solidjs/router';
import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { decideRun, getRun, getRuns, getStack } from '../features/stacks/index.ts';
import type { EdgeResult } from '../lib/edge-result.ts';
import { Section } from './states.tsx';
import { StatusBadge } from './status-badge.tsx';
import { SubmissionNote } from './submission-note.tsx';

/**
 * One workflow run: its steps as a timeline, the plan (what will be created, changed, removed),
 * approve / reject while it waits, and its events and job logs streamed live from
 * `GET /v1/orchestrator/workflows/{id}/events` (Server-Sent Events through the same-origin proxy).
 */
export function WorkflowRun(props: { id: string; stackId: string }) {
  const run = createAsync(() => getRun(props.id));
  return (
    <>
      <Section result={run()} what="the run">
        {(wf) => <RunBody wf={wf} />}
      </Section>
      {/* Outside the keyed section: a fresh read of the run must not reopen the stream. */}
      <LiveLog id={props.id} stackId={props.stackId} />
    </>
  );
}

function RunBody(props: { wf: Workflow }) {
  const decide = useAction(decideRun);
  const [outcome, setOutcome] = createSignal<EdgeResult<unknown>>();
  const [busy, setBusy] = createSignal(false);
  const plan = () => planOf(props.wf);
  const act = async (decision: 'approve' | 'reject' | 'cancel') => {
    setBusy(true);
    try {
      setOutcome(await decide(props.wf.id, decision));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-testid="run" data-run={props.wf.id} data-status={props.wf.status}>
      <div class="card-head">
        <h3>
          {props.wf.kind} of version {props.wf.spec_version}{' '}
          <StatusBadge status={props.wf.status} testid="run-status" />
        </h3>
        <div class="button-row">
          <Show when={props.wf.status === 'awaiting_approval'}>
            <button
              type="button"
              class="btn btn-primary"
              disabled={busy()}
              onClick={() => act('approve')}
              data-testid="approve-run"
            >
              Approve
            </button>
            <button type="button" class="btn btn-danger" disabled={busy()} onClick={() => act('reject')}>
              Reject
            </button>
          </Show>
          <Show when={props.wf.status === 'queued' || props.wf.status === 'running'}>
            <button type="button" class="btn" disabled={busy()} onClick={() => act('cancel')}>
              Cancel run
            </button>
          </Show>
        </div>
      </div>
      <SubmissionNote result={outcome()} done="Done." />
      <Show when={props.wf.error}>
        {(e) => (
          <p class="notice notice-bad small" role="alert">
            {e().message} <span class="mono">({e().code})</span>
          </p>
        )}
      </Show>
      <h4>Steps</h4>
      <ol class="timeline" data-testid="timeline">
        <For each={props.wf.steps}>
          {(s) => (
            <li data-testid="step" data-step={s.name} data-status={s.status}>
              <StatusBadge status={s.status} /> <strong>{s.name}</strong>
              <Show when={s.finished_at && s.started_at}>
                <span class="muted small">
                  {((Date.parse(s.finished_at!) - Date.parse(s.started_at!)) / 1000).toFixed(1)} s
                </span>
              </Show>
              <Show when={s.error}>{(e) => <span class="small">{e().message}</span>}</Show>
            </li>
          )}
        </For>
      </ol>
      <Show when={plan()}>
        {(nodes) => (
          <>
            <h4>Plan</h4>
            <PlanView nodes={nodes()} />
          </>
        )}
      </Show>
    </div>
  );
}

/** The plan step's result, when it has run. */
function planOf(wf: Workflow): NodeChanges[] | undefined {
  const step = wf.steps.find((s) => s.name === 'plan' && s.status === 'succeeded');
  const parsed = nodeChangesList.safeParse((step?.detail as { nodes?: unknown } | null)?.nodes);
  return parsed.success ? parsed.data : undefined;
}

function PlanView(props: { nodes: NodeChanges[] }) {
  return (
    <For each={props.nodes}>
      {(n) => (
        <div data-testid="plan" data-node={n.node}>
          <p>
            <strong>{n.node}</strong>:{' '}
            <Show when={n.changes} fallback="no changes reported">
              {(c) => (
                <span data-testid="plan-counts">
                  {c().create} to create, {c().update} to change, {c().remove} to remove, {c().unchanged}{' '}
                  unchanged
                </span>
              )}
            </Show>
          </p>
          <ul class="small">
            <For each={n.services.filter((s) => s.action !== 'unchanged')}>
              {(s) => (
                <li class={`plan-${s.action}`} data-testid="plan-service" data-action={s.action}>
                  {s.action} <span class="mono">{s.service}</span>
                  {s.reason ? ` — ${s.reason}` : ''}
                </li>
              )}
            </For>
          </ul>
        </div>
      )}
    </For>
  );
}

/**
 * Events and job log lines as they happen. The browser's EventSource resumes a dropped stream by
 * itself (Last-Event-ID); when it gives up instead (it closes on some network errors), this opens a
 * new one from the last event seen (`?after=`), so nothing is shown twice or lost.
 */
function LiveLog(props: { id: string; stackId: string }) {
  const [events, setEvents] = createSignal<WorkflowEvent[]>([]);
  const [lines, setLines] = createSignal<WorkflowLogItem[]>([]);
  const [state, setState] = createSignal<'connecting' | 'live' | 'ended' | 'reconnecting'>('connecting');
  let box: HTMLPreElement | undefined;
  createEffect(
    on(
      () => props.id,
      (id) => {
        setEvents([]);
        setLines([]);
        setState('connecting');
        let source: EventSource | undefined;
        let retry: ReturnType<typeof setTimeout> | undefined;
        let last = '';
        // A burst of events (a resumed stream replays them all) re-reads the run once, not per event.
        let pending: ReturnType<typeof setTimeout> | undefined;
        const refresh = () => {
          pending ??= setTimeout(() => {
            pending = undefined;
            void revalidate([
              getRun.keyFor(id),
              getRuns.keyFor(props.stackId),
              getStack.keyFor(props.stackId),
            ]);
          }, 250);
        };
        const connect = () => {
          const after = last ? `?after=${encodeURIComponent(last)}` : '';
          const es = new EventSource(`/v1/orchestrator/workflows/${encodeURIComponent(id)}/events${after}`);
          source = es;
          const seen = (m: MessageEvent) => {
            if (m.lastEventId) last = m.lastEventId;
          };
          es.onopen = () => setState('live');
          es.onerror = () => {
            if (state() === 'ended') return;
            setState('reconnecting');
            if (es.readyState === EventSource.CLOSED) retry = setTimeout(connect, 2000);
          };
          es.addEventListener('event', (m) => {
            seen(m);
            const e = workflowEvent.safeParse(JSON.parse(m.data).event);
            if (!e.success) return;
            setEvents([...events(), e.data]);
            refresh();
          });
          es.addEventListener('log', (m) => {
            seen(m);
            const l = workflowLogItem.safeParse(JSON.parse(m.data));
            if (!l.success) return;
            setLines([...lines(), l.data]);
            if (box) box.scrollTop = box.scrollHeight;
          });
          es.addEventListener('end', () => {
            es.close();
            setState('ended');
            refresh();
          });
        };
        connect();
        onCleanup(() => {
          clearTimeout(retry);
          clearTimeout(pending);
          source?.close();
        });
      },
    ),
  );
  return (
    <>
      <h4>
        Activity{' '}
        <span class="badge badge-muted" data-testid="stream-state">
          {state()}
        </span>
      </h4>
      <ol class="timeline small" data-testid="events">
        <For each={events()}>
          {(e) => (
            <li data-testid="event" data-kind={e.kind}>
              <span class="muted mono">{new Date(e.at).toLocaleTimeString()}</span> {e.message}
            </li>
          )}
        </For>
      </ol>
      <h4>Logs</h4>
      <pre class="log" ref={box} data-testid="logs" tabindex="0" role="log" aria-label="Job logs">
        <Show when={lines().length > 0} fallback={<span class="muted">No log lines yet.</span>}>
          <For each={lines()}>
            {(l) => (
              <span data-testid="log-line">
                {`${l.node} ${l.line.stream === 'stderr' ? '!' : '│'} ${l.line.text}\n`}
              </span>
            )}
          </For>
        </Show>
      </pre>
    </>
  );
}
