import type { ComposeIssue } from '@kombify/proto/api';
import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import type { SpecEditorHandle } from '../editor/create-spec-editor.ts';
import type { MarkedProblem } from '../editor/edge-diagnostics.ts';
import { importCompose } from '../features/apps/index.ts';
import { focusTextAt, ProblemList } from './problem-list.tsx';

const COMPOSE_FILE = 'docker-compose.yml';

type Outcome =
  | { state: 'idle' | 'importing' }
  | { state: 'imported'; services: string[]; warnings: ComposeIssue[] }
  | { state: 'failed'; message: string; errors: ComposeIssue[] };

/** A problem of another file than the compose file (the .env text, the spec) says which. */
const located = (issues: readonly ComposeIssue[]) =>
  issues.map((i) => (i.file === COMPOSE_FILE ? i : { ...i, path: `${i.file}: ${i.path}`, line: undefined }));

/**
 * "Import docker-compose.yml" on the new-stack page: a compose file pasted or chosen goes to the
 * edge's importer (`POST /v1/stackkits/import`); the kombination.yaml it makes is handed to the
 * page's spec editor, and its warnings (or errors) are marked at their lines in the compose file —
 * the spec editor's CodeMirror with plain YAML — and listed below, before anything is created.
 */
export function ComposeImport(props: { onImported: (yaml: string) => void }) {
  let area: HTMLTextAreaElement | undefined;
  let host: HTMLDivElement | undefined;
  const [text, setText] = createSignal('');
  const [env, setEnv] = createSignal('');
  const [editor, setEditor] = createSignal<SpecEditorHandle>();
  const [outcome, setOutcome] = createSignal<Outcome>({ state: 'idle' });
  let gone = false;

  const mark = (issues: readonly ComposeIssue[], severity: 'error' | 'warning', checked: string) => {
    const here: MarkedProblem[] = issues
      .filter((i) => i.file === COMPOSE_FILE)
      .map((i) => ({ ...i, severity }));
    editor()?.setProblems(here, checked);
  };

  onMount(async () => {
    const { createSpecEditor } = await import('../editor/create-spec-editor.ts');
    if (gone || !host) return;
    setEditor(
      createSpecEditor(host, {
        text: text(),
        id: 'compose-text',
        labelledBy: 'compose-text-label',
        describedBy: 'compose-status',
        onChange: setText,
        schema: 'yaml',
      }),
    );
  });
  onCleanup(() => {
    gone = true;
    editor()?.destroy();
  });

  const load = async (file: File | undefined) => {
    if (!file) return;
    const content = await file.text();
    setText(content);
    editor()?.setText(content);
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const compose = text();
    if (!compose.trim()) return;
    setOutcome({ state: 'importing' });
    const r = await importCompose(compose, env());
    if (r.ok) {
      setOutcome({ state: 'imported', services: r.data.services, warnings: r.data.warnings });
      mark(r.data.warnings, 'warning', compose);
      props.onImported(r.data.yaml);
    } else {
      const errors = (r.details ?? []) as ComposeIssue[];
      setOutcome({ state: 'failed', message: r.message, errors });
      mark(errors, 'error', compose);
    }
  };

  const goTo = (p: { line?: number | undefined; column?: number | undefined }) => {
    if (p.line === undefined) return;
    const handle = editor();
    if (handle) return handle.focusAt(p.line, p.column);
    if (area) focusTextAt(area, text(), p.line, p.column);
  };

  return (
    <section class="card" aria-labelledby="import-title">
      <h2 id="import-title">Import docker-compose.yml</h2>
      <p class="muted small">
        Paste a compose file or choose one: its services become a kombination.yaml in the editor below, and
        whatever could not be carried over is marked at its line. Nothing is stored until you create the
        stack.
      </p>
      <form onSubmit={submit}>
        <div class="form-row">
          <label for="compose-file">Choose a file</label>
          <input
            id="compose-file"
            type="file"
            accept=".yml,.yaml,application/yaml,text/yaml"
            onChange={(e) => void load(e.currentTarget.files?.[0])}
          />
        </div>
        <p>
          <label for="compose-text" id="compose-text-label">
            docker-compose.yml
          </label>
        </p>
        <div class="editor">
          <Show when={!editor()}>
            <textarea
              ref={area}
              id="compose-text"
              rows={10}
              spellcheck={false}
              autocomplete="off"
              value={text()}
              onInput={(e) => setText(e.currentTarget.value)}
              aria-describedby="compose-status"
            />
          </Show>
          <div ref={host} class="editor-host" />
        </div>
        <details>
          <summary>.env (variables the file reads)</summary>
          <label class="sr-only" for="compose-env">
            .env
          </label>
          <textarea
            id="compose-env"
            class="mono"
            rows={4}
            cols={60}
            value={env()}
            onInput={(e) => setEnv(e.currentTarget.value)}
          />
        </details>
        <div class="form-row">
          <button
            type="submit"
            class="btn"
            disabled={outcome().state === 'importing' || !text().trim()}
            data-testid="import-compose"
          >
            {outcome().state === 'importing' ? 'Importing…' : 'Import into kombination.yaml'}
          </button>
        </div>
      </form>
      <div id="compose-status" aria-live="polite" data-testid="compose-status">
        <Show
          when={(() => {
            const o = outcome();
            return o.state === 'imported' ? o : undefined;
          })()}
        >
          {(o) => (
            <div class={`notice small ${o().warnings.length ? 'notice-warn' : 'notice-good'}`}>
              <p class="notice-title">
                Imported {o().services.length} service(s) ({o().services.join(', ')}) into the editor below
                {o().warnings.length ? ` — ${o().warnings.length} warning(s):` : '.'}
              </p>
              <ProblemList problems={located(o().warnings)} onGo={goTo} itemTestId="compose-warning" />
            </div>
          )}
        </Show>
        <Show
          when={(() => {
            const o = outcome();
            return o.state === 'failed' ? o : undefined;
          })()}
        >
          {(o) => (
            <div class="notice notice-bad small" data-testid="compose-errors">
              <p class="notice-title">{o().message}</p>
              <ProblemList problems={located(o().errors)} onGo={goTo} itemTestId="compose-error" />
            </div>
          )}
        </Show>
      </div>
    </section>
  );
}
