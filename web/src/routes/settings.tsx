import { keyRoles, orgRoles } from '@kombify/proto/roles';
import { createAsync, type RouteDefinition, useAction, useSubmission } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { AppShell } from '../components/app-shell.tsx';
import { CopyButton } from '../components/copy-button.tsx';
import { DataTable } from '../components/data-table.tsx';
import { SecretsCard } from '../components/secrets-card.tsx';
import { Empty, Section } from '../components/states.tsx';
import { SubmissionNote } from '../components/submission-note.tsx';
import { applyTheme } from '../components/theme-toggle.tsx';
import { getMe, getPreferences, updatePreferences, updateProfile } from '../features/account/index.ts';
import { createKey, getKeys, getMembers, inviteMember, revokeKey, setRole } from '../features/org/index.ts';
import { dataOf } from '../lib/edge-result.ts';
import { preloadFrom } from '../lib/route-preload.ts';

export const route = {
  preload: preloadFrom(
    () =>
      Promise.all([
        import('../features/org/index.ts'),
        import('../features/account/index.ts'),
        import('../features/secrets/index.ts'),
      ]),
    ([org, account, secrets]) => [
      org.getMembers(),
      org.getKeys(),
      account.getPreferences(),
      secrets.getSecrets(),
      secrets.getSecretUsage(),
    ],
  ),
} satisfies RouteDefinition;

/** Highest first, as people pick them. */
const ROLES = [...orgRoles].reverse();
const KEY_ROLES = [...keyRoles].reverse();

/** A role select's options, with `member` (the usual grant) chosen. */
function RoleOptions(props: { roles: readonly string[] }) {
  return (
    <For each={props.roles}>
      {(r) => (
        <option value={r} selected={r === 'member'}>
          {r}
        </option>
      )}
    </For>
  );
}

/** Profile, the org's members and roles, API keys (a new key is shown once), secrets, and preferences. */
export default function Settings() {
  const me = createAsync(() => getMe('/settings'));
  const members = createAsync(() => getMembers());
  const keys = createAsync(() => getKeys());
  const prefs = createAsync(() => getPreferences());
  const profileSaved = useSubmission(updateProfile);
  const prefsSaved = useSubmission(updatePreferences);
  const invited = useSubmission(inviteMember);
  const roleSet = useSubmission(setRole);
  const keyMade = useSubmission(createKey);
  const revoke = useAction(revokeKey);
  const [revoking, setRevoking] = createSignal<string>();
  const made = () => {
    const r = keyMade.result;
    return r?.ok ? r.data : undefined;
  };

  return (
    <AppShell title="Settings">
      <section class="card" aria-labelledby="profile-title">
        <h2 id="profile-title">Profile</h2>
        <form action={updateProfile} method="post" class="form-row">
          <label for="profile-name">Display name</label>
          <input
            id="profile-name"
            name="name"
            required
            maxLength={100}
            value={dataOf(me())?.name ?? ''}
            autocomplete="name"
          />
          <button type="submit" class="btn btn-primary" disabled={profileSaved.pending}>
            Save
          </button>
        </form>
        <p class="muted small">Email: {dataOf(me())?.email ?? '—'} (from your identity provider)</p>
        <SubmissionNote result={profileSaved.result} done="Saved." />
      </section>

      <section class="card" aria-labelledby="members-title">
        <h2 id="members-title">Members and roles</h2>
        <Section result={members()} what="the members" empty={<Empty title="No members yet." />}>
          {(list) => (
            <DataTable caption="Members of your organisation" columns={['Name', 'Email', 'Role']}>
              <For each={list}>
                {(m) => (
                  <tr data-testid="member-row">
                    <td>{m.name ?? '—'}</td>
                    <td>{m.email ?? '—'}</td>
                    <td>
                      <form action={setRole} method="post" class="inline-form">
                        <input type="hidden" name="user_id" value={m.user_id} />
                        <label class="sr-only" for={`role-${m.user_id}`}>
                          Role of {m.email ?? m.name ?? m.user_id}
                        </label>
                        <select id={`role-${m.user_id}`} name="role" value={m.role}>
                          <For each={ROLES}>{(r) => <option value={r}>{r}</option>}</For>
                          <Show when={m.role === 'platform-admin'}>
                            <option value="platform-admin">platform-admin</option>
                          </Show>
                        </select>
                        <button type="submit" class="btn btn-small">
                          Change
                        </button>
                      </form>
                    </td>
                  </tr>
                )}
              </For>
            </DataTable>
          )}
        </Section>
        <SubmissionNote result={roleSet.result} done="Role changed." />
        <h3>Invite someone</h3>
        <form action={inviteMember} method="post" class="form-row">
          <label for="invite-email">Email</label>
          <input id="invite-email" name="email" type="email" required autocomplete="off" />
          <label for="invite-role">Role</label>
          <select id="invite-role" name="role">
            <RoleOptions roles={ROLES} />
          </select>
          <button type="submit" class="btn btn-primary" disabled={invited.pending}>
            Invite
          </button>
        </form>
        <SubmissionNote result={invited.result} done="Invitation sent; they join when they next sign in." />
      </section>

      <section class="card" aria-labelledby="keys-title">
        <h2 id="keys-title">API keys</h2>
        <p class="muted">For scripts and CI. A key is shown once, when you create it.</p>
        <form action={createKey} method="post" class="form-row">
          <label for="key-name">Name</label>
          <input id="key-name" name="name" required maxLength={100} autocomplete="off" />
          <label for="key-role">Role</label>
          <select id="key-role" name="role">
            <RoleOptions roles={KEY_ROLES} />
          </select>
          <button type="submit" class="btn btn-primary" disabled={keyMade.pending} data-testid="create-key">
            Create key
          </button>
        </form>
        <Show when={keyMade.result && !keyMade.result.ok}>
          <SubmissionNote result={keyMade.result} done="" />
        </Show>
        <Show when={made()}>
          {(k) => (
            <div class="notice notice-good" role="status" data-testid="new-key">
              <p class="notice-title">Key “{k().name}” created. Copy it now: it will not be shown again.</p>
              <div class="command-row">
                <label class="sr-only" for="new-key-value">
                  New API key
                </label>
                <input
                  id="new-key-value"
                  class="mono command"
                  readOnly
                  value={k().key}
                  data-testid="new-key-value"
                />
                <CopyButton text={k().key} />
              </div>
            </div>
          )}
        </Show>
        <Section
          result={keys()}
          what="the API keys"
          empty={<Empty title="No API keys yet." testid="keys-empty" />}
        >
          {(list) => (
            <DataTable caption="API keys" columns={['Name', 'Key', 'Role', 'Last used', '']}>
              <For each={list}>
                {(k) => (
                  <tr data-testid="key-row">
                    <td>{k.name}</td>
                    <td class="mono">{k.prefix}…</td>
                    <td>{k.role}</td>
                    <td>{k.last_used_at ?? 'never'}</td>
                    <td>
                      <Show when={!k.revoked_at} fallback={<span class="muted">revoked</span>}>
                        <button
                          type="button"
                          class="btn btn-small btn-danger"
                          disabled={revoking() === k.id}
                          onClick={async () => {
                            setRevoking(k.id);
                            await revoke(k.id);
                            setRevoking(undefined);
                          }}
                          aria-label={`Revoke ${k.name}`}
                        >
                          Revoke
                        </button>
                      </Show>
                    </td>
                  </tr>
                )}
              </For>
            </DataTable>
          )}
        </Section>
      </section>

      <SecretsCard role={dataOf(me())?.role} members={dataOf(members())} keys={dataOf(keys())} />

      <section class="card" aria-labelledby="prefs-title">
        <h2 id="prefs-title">Preferences</h2>
        <form action={updatePreferences} method="post" class="form-row">
          <label for="pref-theme">Theme</label>
          <select
            id="pref-theme"
            name="theme"
            value={String(dataOf(prefs())?.theme ?? 'system')}
            onChange={(e) => applyTheme(e.currentTarget.value as 'system' | 'light' | 'dark')}
          >
            <option value="system">Follow the system</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
          <label for="pref-refresh">Dashboard refresh</label>
          <select
            id="pref-refresh"
            name="refresh_seconds"
            value={String(dataOf(prefs())?.refresh_seconds ?? 5)}
          >
            <option value="5">every 5 s</option>
            <option value="15">every 15 s</option>
            <option value="60">every minute</option>
          </select>
          <button type="submit" class="btn btn-primary" disabled={prefsSaved.pending}>
            Save
          </button>
        </form>
        <SubmissionNote result={prefsSaved.result} done="Preferences saved." />
      </section>
    </AppShell>
  );
}
