import type { AddedApp, AppSummary } from '@kombify/proto/api';
import { A, createAsync, type RouteDefinition, useAction, useSearchParams } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { AppShell } from '../components/app-shell.tsx';
import { Empty, Section } from '../components/states.tsx';
import { addAppToStack, getApps, getStackChoices } from '../features/apps/index.ts';
import type { EdgeResult } from '../lib/edge-result.ts';
import { preloadFrom } from '../lib/route-preload.ts';

export const route = {
  preload: preloadFrom(
    () => import('../features/apps/index.ts'),
    (f) => [f.getApps('', '')],
  ),
} satisfies RouteDefinition;

const text = (v: string | string[] | undefined) => (typeof v === 'string' ? v : '');

/**
 * The app gallery: the catalog of reviewed homelab apps (`GET /v1/stackkits/apps`), searched and
 * by category (both in the URL), each added to one of the org's stacks as a new spec version
 * (`POST /v1/orchestrator/stacks/{id}/apps`). The secrets an app needs are generated then and
 * shown here once. No spec editor on this page.
 */
export default function Apps() {
  const [params] = useSearchParams();
  const q = () => text(params.q);
  const category = () => text(params.category);
  const apps = createAsync(() => getApps(q(), category()));
  // Every category of the whole catalog, so the filter offers them whatever is filtered now.
  const all = createAsync(() => getApps('', ''));
  const categories = () => {
    const r = all();
    return r?.ok ? [...new Set(r.data.map((a) => a.category))].sort() : [];
  };
  const stacks = createAsync(() => getStackChoices());
  const [target, setTarget] = createSignal('');
  const chosenStack = () => {
    const r = stacks();
    if (!r?.ok) return undefined;
    return r.data.find((s) => s.id === target()) ?? r.data[0];
  };
  const add = useAction(addAppToStack);
  const [busy, setBusy] = createSignal('');
  const [outcome, setOutcome] = createSignal<{ app: string; stack: string; result: EdgeResult<AddedApp> }>();

  const addApp = async (app: AppSummary) => {
    const s = chosenStack();
    if (!s) return;
    setBusy(app.name);
    try {
      setOutcome({ app: app.name, stack: s.name, result: await add(s.id, app.name) });
    } finally {
      setBusy('');
    }
  };

  return (
    <AppShell title="Apps">
      <section class="card" aria-labelledby="apps-find">
        <h2 id="apps-find">Find an app</h2>
        <form method="get" class="form-row">
          <label for="apps-q">Search apps</label>
          <input id="apps-q" name="q" type="search" value={q()} />
          <label for="apps-category">Category</label>
          <select id="apps-category" name="category" value={category()}>
            <option value="">all categories</option>
            <For each={categories()}>{(c) => <option value={c}>{c}</option>}</For>
          </select>
          <button type="submit" class="btn">
            Search
          </button>
        </form>
        <Show
          when={(() => {
            const r = stacks();
            return r?.ok && r.data.length > 0 ? r.data : undefined;
          })()}
          fallback={
            <p class="muted small">
              <Show when={stacks()?.ok} fallback="Adding apps needs an operator role and a stack.">
                Create a stack first (<A href="/stacks/new">New stack</A>) to add apps to it.
              </Show>
            </p>
          }
        >
          {(list) => (
            <div class="form-row">
              <label for="apps-stack">Add apps to</label>
              <select
                id="apps-stack"
                value={chosenStack()?.id ?? ''}
                onChange={(e) => setTarget(e.currentTarget.value)}
              >
                <For each={list()}>{(s) => <option value={s.id}>{s.name}</option>}</For>
              </select>
            </div>
          )}
        </Show>
        <Show when={outcome()}>
          {(o) => (
            <div aria-live="polite" data-testid="add-app-outcome">
              <Show
                when={(() => {
                  const r = o().result;
                  return r.ok ? r.data : undefined;
                })()}
                fallback={
                  <p class="notice notice-bad small" role="alert">
                    {(() => {
                      const r = o().result;
                      return r.ok ? '' : `${o().app} was not added to ${o().stack}: ${r.message} (${r.code})`;
                    })()}
                  </p>
                }
              >
                {(added) => (
                  <div class="notice notice-good small" role="status">
                    <p class="notice-title">
                      Added {added().app} to {o().stack} as spec version {added().version.version} (
                      {added().services.join(', ')}). Deploy the stack to run it.
                    </p>
                    <Show when={added().secrets.length > 0}>
                      <p>Its secrets, generated now and shown this once — keep them:</p>
                      <ul>
                        <For each={added().secrets}>
                          {(s) => (
                            <li>
                              <span class="mono">{s.ref}</span> ({s.description}):{' '}
                              <code data-testid="app-secret">{s.value}</code>
                            </li>
                          )}
                        </For>
                      </ul>
                    </Show>
                  </div>
                )}
              </Show>
            </div>
          )}
        </Show>
      </section>
      <Section
        result={apps()}
        what="the app catalog"
        empty={<Empty title={q() || category() ? 'No app matches.' : 'The catalog is empty.'} />}
      >
        {(list) => (
          <ul class="app-grid" aria-label={`${list.length} app(s)`}>
            <For each={list}>
              {(app) => (
                <li class="card app-card" data-testid="app-card" data-app={app.name}>
                  <div class="card-head">
                    <h2 id={`app-${app.name}`}>{app.title}</h2>
                    <span class="badge">{app.category}</span>
                  </div>
                  <p>{app.description}</p>
                  <p class="small muted">
                    <span class="mono">{app.images.join(', ')}</span>
                    <br />
                    at least {app.resources.cpu} CPU, {app.resources.memory} · {app.route.subdomain}.
                    <i>domain</i> · {app.kits.join(', ')}
                    <Show when={app.secrets.length > 0}> · {app.secrets.length} secret(s) generated</Show>
                  </p>
                  <div class="form-row">
                    <a href={app.upstream} rel="noopener noreferrer" target="_blank">
                      Upstream<span class="sr-only"> of {app.title}</span>
                    </a>
                    <Show when={chosenStack()}>
                      {(s) => (
                        <button
                          type="button"
                          class="btn btn-small"
                          disabled={busy() !== ''}
                          onClick={() => void addApp(app)}
                          data-testid="add-app"
                        >
                          {busy() === app.name ? 'Adding…' : `Add ${app.title} to ${s().name}`}
                        </button>
                      )}
                    </Show>
                  </div>
                </li>
              )}
            </For>
          </ul>
        )}
      </Section>
    </AppShell>
  );
}
