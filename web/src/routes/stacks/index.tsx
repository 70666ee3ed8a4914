import { A, createAsync, type RouteDefinition } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { AppShell } from '../../components/app-shell.tsx';
import { DataTable } from '../../components/data-table.tsx';
import '../../components/orchestration.css';
import { DriftBadge } from '../../components/drift-badge.tsx';
import { Empty, Section } from '../../components/states.tsx';
import { StatusBadge } from '../../components/status-badge.tsx';
import { getStacks } from '../../features/stacks/index.ts';
import { preloadFrom } from '../../lib/route-preload.ts';
import { usePolling } from '../../lib/timers.ts';

export const route = {
  preload: preloadFrom(
    () => import('../../features/stacks/index.ts'),
    (f) => [f.getStacks()],
  ),
} satisfies RouteDefinition;

/** The org's stacks with their state and drift status. */
export default function Stacks() {
  const stacks = createAsync(() => getStacks());
  usePolling([getStacks.key], 5000);
  return (
    <AppShell
      title="Stacks"
      actions={
        <A href="/stacks/new" class="btn btn-primary" data-testid="new-stack">
          New stack
        </A>
      }
    >
      <Section
        result={stacks()}
        what="your stacks"
        empty={
          <Empty title="No stacks yet." testid="stacks-empty">
            <p class="muted">
              A stack is a <span class="mono">kombination.yaml</span> deployed to your nodes.{' '}
              <A href="/stacks/new">Create one from a StackKit</A>.
            </p>
          </Empty>
        }
      >
        {(list) => (
          <DataTable caption="Stacks" columns={['Stack', 'Kit', 'State', 'Drift', 'Version', 'Updated']} card>
            <For each={list}>
              {(s) => (
                <tr data-testid="stack-row" data-stack={s.name}>
                  <th scope="row">
                    <A href={`/stacks/${s.id}`}>{s.name}</A>
                  </th>
                  <td>{s.kit}</td>
                  <td>
                    <StatusBadge status={s.status} testid="stack-status" />
                  </td>
                  <td>
                    <Show when={s.details} fallback="—">
                      {(d) => <DriftBadge drift={d().drift} />}
                    </Show>
                  </td>
                  <td>{s.details ? `v${s.details.current_version}` : '—'}</td>
                  <td class="small muted">{new Date(s.updated_at).toLocaleString()}</td>
                </tr>
              )}
            </For>
          </DataTable>
        )}
      </Section>
    </AppShell>
  );
}
