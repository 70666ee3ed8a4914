import type { ApiKey, Member, SecretMeta } from '@kombify/proto/api';
import type { Issue } from '@kombify/proto/issue';
import { A, createAsync, useAction, useSubmission } from '@solidjs/router';
import { createMemo, createSignal, For, onMount, Show } from 'solid-js';
import { changeSecret, getSecrets, getSecretUsage } from '../features/secrets/index.ts';
import { canWriteSecrets, changeDone, secretProblems, writerLabel } from '../features/secrets/secret-form.ts';
import { type SecretChange, secretPathProblems, secretRequest } from '../features/secrets/secret-request.ts';
import {
  missingParts,
  type Part,
  partsText,
  type SecretRow,
  secretRows,
  usedByParts,
} from '../features/secrets/secret-usage.ts';
import { dataOf, type EdgeResult, failureOf } from '../lib/edge-result.ts';
import { formatAgo } from '../lib/format.ts';
import { useNow } from '../lib/timers.ts';
import { ConfirmButton } from './confirm-button.tsx';
import { DataTable } from './data-table.tsx';
import { Empty, Section } from './states.tsx';

/** A field's problems under it, each with the field path the edge (or the same rule here) named. */
function FieldProblems(props: { id: string; problems: Issue[] }) {
  return (
    <Show when={props.problems.length > 0}>
      <ul id={props.id} class="notice notice-bad small" role="alert" data-testid={props.id}>
        <For each={props.problems}>
          {(p) => (
            <li>
              <span class="mono">{p.path || '(body)'}</span>: {p.message}
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}

/** Words with links in them (a stack's name links to its page). */
function Parts(props: { parts: Part[] }) {
  return (
    <For each={props.parts}>{(p) => (p.href ? <A href={p.href}>{p.text}</A> : <span>{p.text}</span>)}</For>
  );
}

/**
 * The org's secrets: their metadata and the stacks using each (a path a stack uses but the store
 * lacks is listed too, as missing), and for operators a form to store or generate one and a
 * delete behind a confirmation. Values are write-only: the value field has no `name` and the
 * change goes through `useAction`, never a posted form, because SolidStart echoes a posted form's
 * fields back in its `flash` cookie; the field is emptied after a save and nothing shows a value.
 */
export function SecretsCard(props: {
  role: string | undefined;
  members: readonly Member[] | undefined;
  keys: readonly ApiKey[] | undefined;
}) {
  const secrets = createAsync(() => getSecrets());
  const usage = createAsync(() => getSecretUsage());
  // The stored secrets with their stacks, and the paths stacks use that are not stored. Without
  // the usage (its read failed) the list is still shown, its "used by" unknown.
  const rows = createMemo((): EdgeResult<SecretRow[]> | undefined => {
    const s = secrets();
    return s?.ok ? { ok: true, data: secretRows(s.data, dataOf(usage())) } : s;
  });
  const change = useAction(changeSecret);
  // The router keeps each call's arguments (a value among them) until cleared.
  const sent = useSubmission(changeSecret);
  const now = useNow(30_000);
  const [ready, setReady] = createSignal(false);
  onMount(() => setReady(true));
  const [path, setPath] = createSignal('');
  // A path is checked once the field is left or the form used, then as it changes.
  const [checked, setChecked] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [outcome, setOutcome] = createSignal<{
    kind: SecretChange['kind'];
    result: EdgeResult<SecretMeta>;
  }>();
  let valueInput: HTMLInputElement | undefined;

  const canWrite = () => canWriteSecrets(props.role);
  const locked = () => !ready() || !canWrite() || busy();
  const problems = () => secretProblems(outcome()?.result);
  // The edge's own path problems (it uses the same rule, so rarely any) until the path changes.
  const pathProblems = () => [...(checked() ? secretPathProblems(path()) : []), ...problems().path];
  const done = () => {
    const o = outcome();
    return o?.result.ok ? changeDone(o.kind, o.result.data) : undefined;
  };

  /** Puts a path into the form and the cursor in the value field: a value is what it needs next. */
  function fill(p: string) {
    setPath(p);
    setOutcome(undefined);
    valueInput?.focus();
  }

  async function send(c: SecretChange) {
    const local = secretRequest(c);
    if (!local.ok) {
      // Shown by the path field's own check, which follows every keystroke from here on.
      setOutcome(undefined);
      setChecked(true);
      return;
    }
    setBusy(true);
    try {
      const result = await change(c);
      setOutcome({ kind: c.kind, result });
      if (result.ok && c.kind !== 'delete') {
        if (valueInput) valueInput.value = '';
        setPath('');
        setChecked(false);
      }
    } finally {
      sent.clear();
      setBusy(false);
    }
  }

  return (
    <section class="card" aria-labelledby="secrets-title">
      <h2 id="secrets-title">Secrets</h2>
      <p class="muted">
        Values a spec refers to as <span class="mono">secret://path</span>. Values are write-only: once saved,
        no page and no API answer shows one again.
      </p>
      <Show when={props.role !== undefined && !canWrite()}>
        <p class="notice notice-warn small" data-testid="secrets-read-only">
          Your role is {props.role}: only admins and owners store, generate or delete secrets, so these
          controls are off for you.
        </p>
      </Show>
      <form
        class="form-row"
        method="post"
        onSubmit={(e) => {
          e.preventDefault();
          void send({ kind: 'put', path: path(), value: valueInput?.value ?? '' });
        }}
      >
        <label for="secret-path">Path</label>
        <input
          id="secret-path"
          class="mono"
          required
          autocomplete="off"
          spellcheck={false}
          placeholder="postgres/password"
          value={path()}
          disabled={locked()}
          aria-invalid={pathProblems().length > 0}
          aria-describedby={pathProblems().length > 0 ? 'secret-path-problems' : undefined}
          onInput={(e) => {
            setPath(e.currentTarget.value);
            setOutcome(undefined);
          }}
          onBlur={() => setChecked(path() !== '')}
          data-testid="secret-path"
        />
        <label for="secret-value">Value</label>
        <input
          id="secret-value"
          ref={valueInput}
          type="password"
          required
          autocomplete="new-password"
          disabled={locked()}
          aria-invalid={problems().value.length > 0}
          aria-describedby={problems().value.length > 0 ? 'secret-value-problems' : undefined}
          data-testid="secret-value"
        />
        <button type="submit" class="btn btn-primary" disabled={locked()} data-testid="secret-save">
          Save
        </button>
        <button
          type="button"
          class="btn"
          disabled={locked()}
          onClick={() => void send({ kind: 'generate', path: path() })}
          data-testid="secret-generate"
        >
          Generate
        </button>
      </form>
      <p class="muted small">
        Save stores the value you typed; Generate has the edge make a random one that nobody sees. Either
        replaces the value of a path that exists.
      </p>
      <FieldProblems id="secret-path-problems" problems={pathProblems()} />
      <FieldProblems id="secret-value-problems" problems={problems().value} />
      <FieldProblems id="secret-other-problems" problems={problems().other} />
      <Show when={problems().summary}>
        {(s) => (
          <p class="notice notice-bad small" role="alert" data-testid="secret-refused">
            {s()}
          </p>
        )}
      </Show>
      <Show when={done()}>
        {(d) => (
          <p class="notice notice-good small" role="status" data-testid="secret-done">
            {d()}
          </p>
        )}
      </Show>
      <Show when={failureOf(usage())}>
        {(f) => (
          <p class="notice notice-warn small" role="status" data-testid="secret-usage-problem">
            Which stacks use each secret could not be read: {f().message} ({f().code})
          </p>
        )}
      </Show>
      <Section
        result={rows()}
        what="the secrets"
        empty={<Empty title="No secrets yet." testid="secrets-empty" />}
      >
        {(list) => (
          <DataTable caption="Secrets" columns={['Path', 'Version', 'Updated', 'By', 'Used by', '']}>
            <For each={list}>
              {(s) => (
                <Show
                  when={s.meta}
                  fallback={
                    <tr data-testid="secret-missing-row">
                      <td class="mono">{s.path}</td>
                      <td colSpan={3}>
                        <p class="notice notice-warn small" data-testid="secret-missing">
                          <Parts parts={missingParts(s.usedBy ?? [])} />
                        </p>
                      </td>
                      <td data-testid="secret-used-by">
                        <Parts parts={usedByParts(s.usedBy ?? [])} />
                      </td>
                      <td class="row-actions">
                        <button
                          type="button"
                          class="btn btn-small"
                          disabled={locked()}
                          aria-label={`Set it: ${s.path}`}
                          onClick={() => fill(s.path)}
                          data-testid="secret-set-missing"
                        >
                          Set it
                        </button>
                      </td>
                    </tr>
                  }
                >
                  {(m) => (
                    <tr data-testid="secret-row">
                      <td class="mono">{s.path}</td>
                      <td>v{m().version}</td>
                      <td>
                        <time datetime={m().updated_at} title={m().updated_at}>
                          {formatAgo(m().updated_at, now())}
                        </time>
                      </td>
                      <td>{writerLabel(m().updated_by, { members: props.members, keys: props.keys })}</td>
                      <td data-testid="secret-used-by">
                        <Show when={s.usedBy} fallback={<span class="muted">—</span>}>
                          {(used) => <Parts parts={usedByParts(used())} />}
                        </Show>
                      </td>
                      <td class="row-actions">
                        <button
                          type="button"
                          class="btn btn-small"
                          disabled={locked()}
                          aria-label={`Replace ${s.path}`}
                          onClick={() => fill(s.path)}
                        >
                          Replace
                        </button>
                        <ConfirmButton
                          label="Delete"
                          title={`Delete ${s.path}?`}
                          confirmLabel="Delete secret"
                          danger
                          disabled={locked()}
                          onConfirm={() => send({ kind: 'delete', path: s.path })}
                          testid="secret-delete"
                        >
                          <p>
                            Its value is gone for good: a spec that refers to{' '}
                            <span class="mono">secret://{s.path}</span> finds nothing there until one is
                            stored again.
                          </p>
                          <Show when={s.usedBy?.length ? s.usedBy : undefined}>
                            {(used) => <p>Then it is {partsText(missingParts(used()))}.</p>}
                          </Show>
                        </ConfirmButton>
                      </td>
                    </tr>
                  )}
                </Show>
              )}
            </For>
          </DataTable>
        )}
      </Section>
    </section>
  );
}
