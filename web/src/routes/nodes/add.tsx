import { A, createAsync, revalidate, useAction } from '@solidjs/router';
import { createSignal, Match, onCleanup, onMount, Show, Switch } from 'solid-js';
import { AppShell } from '../../components/app-shell.tsx';
import { CopyButton } from '../../components/copy-button.tsx';
import { NodeCard } from '../../components/node-card.tsx';
import { Loading, Problem } from '../../components/states.tsx';
import { createEnrollment, getEnrollment, getWorkers } from '../../features/nodes/index.ts';
import type { makeEnrollment } from '../../features/nodes/server.ts';
import { dataOf } from '../../lib/edge-result.ts';
import { useNow } from '../../lib/timers.ts';

type Made = Awaited<ReturnType<typeof makeEnrollment>>;

/**
 * The installer one-liner with a fresh, single-use enrollment token, and a live wait that turns
 * into the new node as soon as its agent enrolls.
 */
export default function AddNode() {
  const make = useAction(createEnrollment);
  const [made, setMade] = createSignal<Made>();
  const now = useNow();
  const fresh = async () => {
    setMade(undefined);
    setMade(await make());
  };
  onMount(() => void fresh());

  const token = () => {
    const m = made();
    return m?.ok ? m.data : undefined;
  };
  const status = createAsync(async () => {
    const t = token();
    return t ? getEnrollment(t.id) : undefined;
  });
  const workerId = () => dataOf(status())?.worker_id ?? null;
  const workers = createAsync(async () => (workerId() ? getWorkers() : undefined));
  const node = () => dataOf(workers())?.find((w) => w.id === workerId());

  // Poll until the node shows up online (or the user leaves).
  onMount(() => {
    const timer = setInterval(() => {
      if (!token() || (node() && node()?.status === 'online')) return;
      void revalidate(workerId() ? getWorkers.key : getEnrollment.key);
    }, 1500);
    onCleanup(() => clearInterval(timer));
  });

  return (
    <AppShell title="Add a node">
      <section class="card" aria-labelledby="install-title">
        <h2 id="install-title">1. Run this on the machine</h2>
        <p class="muted">
          Linux with systemd, as root. It installs the kombify agent, which connects out to kombify — no
          inbound port needed. The token works once and expires in an hour.
        </p>
        <Switch>
          <Match when={!made()}>
            <Loading what="a fresh install command" />
          </Match>
          <Match when={made() && !made()?.ok ? made() : undefined}>
            {(f) => {
              const failure = f();
              return failure && !failure.ok ? <Problem result={failure} what="an install command" /> : null;
            }}
          </Match>
          <Match when={token()}>
            {(t) => (
              <div class="install">
                <label for="install-command" class="label">
                  Install command
                </label>
                <div class="command-row">
                  <input
                    id="install-command"
                    class="mono command"
                    readOnly
                    value={t().command}
                    data-testid="install-command"
                    onFocus={(e) => e.currentTarget.select()}
                  />
                  <CopyButton text={t().command} testid="copy-command" />
                </div>
                <button type="button" class="btn btn-ghost" onClick={() => void fresh()}>
                  Make a new token
                </button>
              </div>
            )}
          </Match>
        </Switch>
      </section>
      <section class="card" aria-labelledby="wait-title" aria-live="polite">
        <h2 id="wait-title">2. Watch it arrive</h2>
        <Show
          when={node()}
          fallback={
            <p class="waiting" data-testid="waiting">
              <span class="spinner" aria-hidden="true" />{' '}
              {workerId() ? 'The agent enrolled; waiting for its first heartbeat…' : 'Waiting for the agent…'}
            </p>
          }
        >
          {(w) => (
            <div data-testid="enrolled">
              <p class="notice notice-good">
                <strong>{w().name}</strong> is connected. It is on your <A href="/dashboard">dashboard</A>{' '}
                now.
              </p>
              <ul class="node-grid">
                <NodeCard worker={w()} now={now()} />
              </ul>
            </div>
          )}
        </Show>
      </section>
    </AppShell>
  );
}
