import { createAsync, revalidate } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { getSwarm } from '../features/stacks/index.ts';
import { DataTable } from './data-table.tsx';
import { Section } from './states.tsx';
import { StatusBadge } from './status-badge.tsx';

/** Kits whose plan forms a Docker Swarm (stackkits: ha-homelab always, modern-homelab with workers). */
export const swarmKits = new Set(['ha-homelab', 'modern-homelab']);

/**
 * A swarm stack's members as one of its managers sees them now: role, state, reachability, the
 * leader, the stack's tasks per node, and each service's running/desired tasks. Asking runs a
 * job on a manager, so it is read on open and on Refresh, not polled.
 */
export function SwarmCard(props: { stackId: string }) {
  const swarm = createAsync(() => getSwarm(props.stackId));
  return (
    <section class="card" aria-labelledby="swarm-title" data-testid="stack-swarm">
      <div class="card-head">
        <h2 id="swarm-title">Swarm</h2>
        <button type="button" class="button" onClick={() => void revalidate(getSwarm.keyFor(props.stackId))}>
          Refresh
        </button>
      </div>
      <Section result={swarm()} what="the swarm">
        {(s) => (
          <>
            <p class="muted">
              As manager <span class="mono">{s.asked}</span> sees it now.
            </p>
            <DataTable
              caption="Swarm members"
              columns={['Node', 'Host', 'Role', 'State', 'Manager', 'Tasks']}
            >
              <For each={s.nodes}>
                {(n) => (
                  <tr data-testid="swarm-node" data-node={n.node ?? n.hostname}>
                    <th scope="row">{n.node ?? '—'}</th>
                    <td class="mono">{n.hostname}</td>
                    <td>{n.role}</td>
                    <td>
                      <StatusBadge status={n.state} />
                    </td>
                    <td>
                      <Show when={n.role === 'manager'} fallback="—">
                        {n.leader ? 'leader' : (n.reachability ?? 'unknown')}
                      </Show>
                    </td>
                    <td>{n.tasks.map((t) => `${t.service} (${t.state})`).join(', ') || '—'}</td>
                  </tr>
                )}
              </For>
            </DataTable>
            <DataTable caption="Swarm services" columns={['Service', 'Mode', 'Tasks', 'Update']}>
              <For each={s.services}>
                {(x) => (
                  <tr data-testid="swarm-service" data-service={x.service}>
                    <th scope="row">{x.service}</th>
                    <td>{x.mode}</td>
                    <td class="mono">{x.tasks}</td>
                    <td>
                      {x.update_state
                        ? `${x.update_state}${x.update_message ? `: ${x.update_message}` : ''}`
                        : '—'}
                    </td>
                  </tr>
                )}
              </For>
            </DataTable>
          </>
        )}
      </Section>
    </section>
  );
}
