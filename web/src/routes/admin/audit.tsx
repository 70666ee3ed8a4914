import { createAsync } from '@solidjs/router';
import { For } from 'solid-js';
import { AdminTabs } from '../../components/admin-tabs.tsx';
import { AppShell } from '../../components/app-shell.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { Empty, Section } from '../../components/states.tsx';
import { getAudit as getAuditLog } from '../../features/admin/index.ts';

/** Admin: the audit log — every platform-admin write, newest first. */
export default function AdminAudit() {
  const entries = createAsync(() => getAuditLog());
  return (
    <AppShell title="Admin: audit log">
      <AdminTabs />
      <Section
        result={entries()}
        what="the audit log"
        empty={<Empty title="No admin changes recorded yet." />}
      >
        {(list) => (
          <DataTable caption="Audit log" columns={['When', 'Who', 'Action', 'Target', 'From']} card>
            <For each={list}>
              {(e) => (
                <tr data-testid="audit-row">
                  <td>
                    <time datetime={e.at}>{e.at.replace('T', ' ').slice(0, 19)}</time>
                  </td>
                  <td class="mono small">{e.actor}</td>
                  <td class="mono">{e.action}</td>
                  <td class="mono">{e.target}</td>
                  <td class="mono small">{e.ip ?? '—'}</td>
                </tr>
              )}
            </For>
          </DataTable>
        )}
      </Section>
    </AppShell>
  );
}
