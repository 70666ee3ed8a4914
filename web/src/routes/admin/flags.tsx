import { createAsync, useAction, useSubmission } from '@solidjs/router';
import { For } from 'solid-js';
import { AdminTabs } from '../../components/admin-tabs.tsx';
import { AppShell } from '../../components/app-shell.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { Empty, Section } from '../../components/states.tsx';
import { SubmissionNote } from '../../components/submission-note.tsx';
import { createFlag, getFlags, toggleFlag } from '../../features/admin/index.ts';

/** Admin: feature flags — create, switch on and off; targeting and rollout as the edge stores them. */
export default function AdminFlags() {
  const flags = createAsync(() => getFlags());
  const created = useSubmission(createFlag);
  const toggle = useAction(toggleFlag);
  return (
    <AppShell title="Admin: feature flags">
      <AdminTabs />
      <section class="card" aria-labelledby="new-flag-title">
        <h2 id="new-flag-title">New flag</h2>
        <form action={createFlag} method="post" class="form-grid">
          <label for="flag-key">Key</label>
          <input
            id="flag-key"
            name="key"
            required
            pattern="[a-z0-9][a-z0-9._\-]{0,63}"
            autocomplete="off"
            aria-describedby="flag-key-help"
          />
          <p id="flag-key-help" class="muted small">
            Lower-case letters, digits, “.”, “_” or “-”.
          </p>
          <label for="flag-description">Description</label>
          <input id="flag-description" name="description" maxLength={500} />
          <label for="flag-rollout">Rollout (%)</label>
          <input id="flag-rollout" name="rollout_percent" type="number" min={0} max={100} value={100} />
          <label class="checkbox">
            <input type="checkbox" name="enabled" /> Enabled
          </label>
          <button type="submit" class="btn btn-primary" disabled={created.pending} data-testid="create-flag">
            Create flag
          </button>
        </form>
        <SubmissionNote result={created.result} done="Flag created." />
      </section>
      <Section
        result={flags()}
        what="the feature flags"
        empty={<Empty title="No feature flags yet." testid="flags-empty" />}
      >
        {(list) => (
          <DataTable caption="Feature flags" columns={['Key', 'Description', 'Rollout', 'Enabled']} card>
            <For each={list}>
              {(f) => (
                <tr data-testid="flag-row" data-flag={f.key}>
                  <td class="mono">{f.key}</td>
                  <td>{f.description || '—'}</td>
                  <td>{f.rollout_percent}%</td>
                  <td>
                    <label class="switch">
                      <input
                        type="checkbox"
                        checked={f.enabled}
                        onChange={(e) => void toggle(f.key, e.currentTarget.checked)}
                      />
                      <span class="sr-only">Enable {f.key}</span>
                    </label>
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
