import type { AdminUser } from '@kombify/proto/api';
import { roles } from '@kombify/proto/roles';
import { A, createAsync, useAction, useParams, useSubmission } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { AdminTabs } from '../../../components/admin-tabs.tsx';
import { AppShell } from '../../../components/app-shell.tsx';
import { ConfirmButton } from '../../../components/confirm-button.tsx';
import { DataTable } from '../../../components/data-table.tsx';
import { Section } from '../../../components/states.tsx';
import { SubmissionNote } from '../../../components/submission-note.tsx';
import {
  changeRole,
  getUser,
  impersonate,
  resetUserMfa,
  toggleDisabled,
} from '../../../features/users/index.ts';

/** Admin: one user — roles per org, disable/enable, impersonation and MFA reset (each asks first). */
export default function AdminUserPage() {
  const params = useParams();
  const user = createAsync(() => getUser(params.id ?? ''));
  return (
    <AppShell title="Admin: user">
      <AdminTabs />
      <p>
        <A href="/admin/users">← All users</A>
      </p>
      <Section result={user()} what="this user">
        {(u) => <UserDetail user={u} />}
      </Section>
    </AppShell>
  );
}

function UserDetail(props: { user: AdminUser }) {
  const u = () => props.user;
  const label = () => u().name ?? u().email ?? u().id;
  const roleSubmission = useSubmission(changeRole);
  const disable = useAction(toggleDisabled);
  const disabling = useSubmission(toggleDisabled);
  const mfa = useAction(resetUserMfa);
  const mfaReset = useSubmission(resetUserMfa);
  const startAs = useAction(impersonate);
  const starting = useSubmission(impersonate);
  const [asOrg, setAsOrg] = createSignal(u().orgs[0]?.org_id ?? '');
  return (
    <>
      <section class="card" aria-labelledby="user-title">
        <h2 id="user-title" data-testid="user-name">
          {label()}{' '}
          <span class={u().disabled ? 'badge' : 'badge badge-good'} data-testid="user-status">
            {u().disabled ? 'disabled' : 'active'}
          </span>
        </h2>
        <dl class="facts">
          <div>
            <dt>Email</dt>
            <dd>{u().email ?? '—'}</dd>
          </div>
          <div>
            <dt>Subject</dt>
            <dd class="mono small">{u().sub}</dd>
          </div>
          <div>
            <dt>Issuer</dt>
            <dd class="mono small">{u().issuer}</dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>
              <time datetime={u().created_at}>{u().created_at.slice(0, 10)}</time>
            </dd>
          </div>
        </dl>
      </section>

      <section class="card" aria-labelledby="roles-title">
        <h2 id="roles-title">Orgs and roles</h2>
        <Show when={u().orgs.length} fallback={<p class="muted">Not a member of any org.</p>}>
          <DataTable caption="Memberships" columns={['Org', 'Plan', 'Role']}>
            <For each={u().orgs}>
              {(o) => (
                <tr data-testid="membership" data-org={o.org_id}>
                  <td>
                    {o.org_name} <span class="muted small mono">{o.org_id}</span>
                  </td>
                  <td class="capitalize">
                    {o.plan} <span class="muted small">({o.status})</span>
                  </td>
                  <td>
                    <form action={changeRole.with(u().id)} method="post" class="form-row">
                      <input type="hidden" name="org_id" value={o.org_id} />
                      <label class="sr-only" for={`role-${o.org_id}`}>
                        Role in {o.org_name}
                      </label>
                      <select id={`role-${o.org_id}`} name="role" data-testid="role-select">
                        <For each={roles}>
                          {(r) => (
                            <option value={r} selected={r === o.role}>
                              {r}
                            </option>
                          )}
                        </For>
                      </select>
                      <button type="submit" class="btn btn-small" disabled={roleSubmission.pending}>
                        Save role
                      </button>
                    </form>
                  </td>
                </tr>
              )}
            </For>
          </DataTable>
        </Show>
        <SubmissionNote result={roleSubmission.result} done="Role saved." />
      </section>

      <section class="card" aria-labelledby="actions-title">
        <h2 id="actions-title">Actions</h2>
        <Show when={u().orgs.length > 1}>
          <p class="form-row">
            <label for="impersonate-org">Impersonate in</label>
            <select id="impersonate-org" onChange={(e) => setAsOrg(e.currentTarget.value)}>
              <For each={u().orgs}>{(o) => <option value={o.org_id}>{o.org_name}</option>}</For>
            </select>
          </p>
        </Show>
        <div class="row-actions">
          <ConfirmButton
            label="Impersonate"
            title={`View kombify as ${label()}?`}
            confirmLabel="Start impersonation"
            testid="impersonate"
            disabled={u().disabled || starting.pending || u().orgs.length === 0}
            onConfirm={async () => {
              // The browser now holds the user's session: a full load, so every read is theirs.
              if ((await startAs(u().id, asOrg())).ok) window.location.assign('/dashboard');
            }}
          >
            <p>
              You will act as this user, with their role, until you end it or it expires. Every request you
              make is recorded in the audit log in your name.
            </p>
          </ConfirmButton>
          <ConfirmButton
            label={u().disabled ? 'Enable' : 'Disable'}
            title={u().disabled ? `Enable ${label()}?` : `Disable ${label()}?`}
            confirmLabel={u().disabled ? 'Enable user' : 'Disable user'}
            danger={!u().disabled}
            testid="toggle-disabled"
            disabled={disabling.pending}
            onConfirm={() => void disable(u().id, !u().disabled)}
          >
            <p>
              {u().disabled
                ? 'They can sign in again.'
                : 'Every session of this user ends at once and they cannot sign in until enabled.'}
            </p>
          </ConfirmButton>
          <ConfirmButton
            label="Reset MFA"
            title={`Reset the second factors of ${label()}?`}
            confirmLabel="Reset MFA"
            danger
            testid="mfa-reset"
            disabled={mfaReset.pending}
            onConfirm={() => void mfa(u().id)}
          >
            <p>Their one-time-password and security-key factors are removed at the identity provider.</p>
          </ConfirmButton>
        </div>
        <SubmissionNote result={starting.result?.ok ? undefined : starting.result} done="" />
        <SubmissionNote
          result={disabling.result}
          done={u().disabled ? 'User disabled: their sessions have ended.' : 'User enabled.'}
        />
        <Show when={mfaReset.result}>
          {(r) => (
            <SubmissionNote
              result={r()}
              done={(() => {
                const v = r();
                return v.ok
                  ? `MFA reset at ${v.data.provider}: ${v.data.removed.length ? v.data.removed.join(', ') : 'no factors were set'}.`
                  : '';
              })()}
            />
          )}
        </Show>
      </section>
    </>
  );
}
