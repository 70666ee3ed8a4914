import { A, createAsync, useSearchParams } from '@solidjs/router';
import { For } from 'solid-js';
import { AdminTabs } from '../../../components/admin-tabs.tsx';
import { AppShell } from '../../../components/app-shell.tsx';
import { DataTable } from '../../../components/data-table.tsx';
import { SearchForm } from '../../../components/search-form.tsx';
import { Empty, Section } from '../../../components/states.tsx';
import { getUsers } from '../../../features/users/index.ts';
import { formatAgo } from '../../../lib/format.ts';
import { useNow } from '../../../lib/timers.ts';

/** Admin: every user of the platform, searchable by email or name prefix, newest first. */
export default function AdminUsers() {
  const [params] = useSearchParams();
  const q = () => (typeof params.q === 'string' ? params.q : '');
  const users = createAsync(() => getUsers(q()));
  const now = useNow(30_000);
  return (
    <AppShell title="Admin: users">
      <AdminTabs />
      <SearchForm label="Search users (email or name)" id="users-q" />
      <Section
        result={users()}
        what="the users"
        empty={<Empty title={q() ? `No user matches “${q()}”.` : 'No users yet.'} testid="users-empty" />}
      >
        {(list) => (
          <DataTable caption="Users" columns={['User', 'Orgs and roles', 'Status', 'Last sign-in']} card>
            <For each={list}>
              {(u) => (
                <tr data-testid="user-row" data-user={u.email ?? u.id}>
                  <td>
                    <A href={`/admin/users/${encodeURIComponent(u.id)}`} data-testid="user-link">
                      {u.name ?? u.email ?? u.id}
                    </A>
                    <div class="muted small">{u.email ?? u.sub}</div>
                  </td>
                  <td>
                    <For each={u.orgs} fallback={<span class="muted">none</span>}>
                      {(o) => (
                        <span class="tag">
                          {o.org_name} · {o.role} · {o.plan}
                        </span>
                      )}
                    </For>
                  </td>
                  <td>
                    <span class={u.disabled ? 'badge' : 'badge badge-good'} data-testid="user-status">
                      {u.disabled ? 'disabled' : 'active'}
                    </span>
                  </td>
                  <td>
                    {u.last_sign_in_at ? (
                      <time datetime={u.last_sign_in_at}>{formatAgo(u.last_sign_in_at, now())}</time>
                    ) : (
                      <span class="muted">never</span>
                    )}
                  </td>
                </tr>
              )}
            </For>
          </DataTable>
        )}
      </Section>
    </AppShell>
  );
}
