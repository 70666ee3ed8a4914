import { createAsync } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { AdminTabs } from '../../components/admin-tabs.tsx';
import { AppShell } from '../../components/app-shell.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { Empty, Section } from '../../components/states.tsx';
import {
  getBillingOverview,
  getFailedPayments,
  getSubscriptions,
} from '../../features/billing-admin/index.ts';

/** `$1,234.00` from cents in the overview's currency. */
function money(cents: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(
    cents / 100,
  );
}

const PLANS = ['free', 'pro', 'enterprise'] as const;

/** Admin: the billing overview (read-only) — subscriptions, MRR, failed payments, orgs in grace. */
export default function AdminBilling() {
  const overview = createAsync(() => getBillingOverview());
  const subs = createAsync(() => getSubscriptions());
  const failed = createAsync(() => getFailedPayments());
  return (
    <AppShell title="Admin: billing">
      <AdminTabs />
      <Section result={overview()} what="the billing overview">
        {(o) => (
          <>
            <div class="stats" data-testid="billing-overview">
              <div class="card stat">
                <div class="stat-value" data-testid="mrr">
                  {money(o.mrr.amount_cents, o.mrr.currency)}
                </div>
                <div class="stat-label">MRR (list prices, active subscriptions)</div>
              </div>
              <div class="card stat">
                <div class="stat-value" data-testid="mrr-at-risk">
                  {money(o.mrr.at_risk_cents, o.mrr.currency)}
                </div>
                <div class="stat-label">MRR at risk (in grace)</div>
              </div>
              <div class="card stat">
                <div class="stat-value" data-testid="subscriptions-total">
                  {o.subscriptions.total}
                </div>
                <div class="stat-label">subscriptions</div>
              </div>
              <div class="card stat">
                <div class="stat-value" data-testid="failed-count">
                  {o.failed_payments.count}
                </div>
                <div class="stat-label">failed payments, last {o.failed_payments.window_days} days</div>
              </div>
            </div>
            <section class="card" aria-labelledby="by-plan-title">
              <h2 id="by-plan-title">By plan</h2>
              <DataTable caption="Subscriptions and MRR by plan" columns={['Plan', 'Subscriptions', 'MRR']}>
                <For each={PLANS}>
                  {(plan) => (
                    <tr data-testid="plan-row" data-plan={plan}>
                      <td class="capitalize">{plan}</td>
                      <td data-testid="plan-count">{o.subscriptions.by_plan[plan]}</td>
                      <td>{money(o.mrr.by_plan_cents[plan], o.mrr.currency)}</td>
                    </tr>
                  )}
                </For>
              </DataTable>
              <p class="muted small">
                By status:{' '}
                <For each={Object.entries(o.subscriptions.by_status)} fallback="none">
                  {([status, n]) => (
                    <span class="tag" data-testid="status-count" data-status={status}>
                      {status}: {n}
                    </span>
                  )}
                </For>
              </p>
            </section>
            <section class="card" aria-labelledby="grace-title">
              <h2 id="grace-title">Orgs in their grace period</h2>
              <Show
                when={o.grace.in_grace.length || o.grace.past_grace.length}
                fallback={<Empty title="No org is behind on payment." testid="grace-empty" />}
              >
                <DataTable caption="Orgs behind on payment" columns={['Org', 'Plan', 'Grace']}>
                  <For each={o.grace.in_grace}>
                    {(g) => (
                      <tr data-testid="grace-row" data-org={g.org_id}>
                        <td>{g.org_name}</td>
                        <td class="capitalize">{g.plan}</td>
                        <td>
                          until{' '}
                          {g.grace_until ? (
                            <time datetime={g.grace_until}>{g.grace_until.slice(0, 10)}</time>
                          ) : (
                            '—'
                          )}
                        </td>
                      </tr>
                    )}
                  </For>
                  <For each={o.grace.past_grace}>
                    {(g) => (
                      <tr data-testid="past-grace-row" data-org={g.org_id}>
                        <td>{g.org_name}</td>
                        <td class="capitalize">{g.plan}</td>
                        <td>ended: free limits apply</td>
                      </tr>
                    )}
                  </For>
                </DataTable>
              </Show>
            </section>
          </>
        )}
      </Section>
      <section class="card" aria-labelledby="failed-title">
        <h2 id="failed-title">Failed payments</h2>
        <Section
          result={failed()}
          what="failed payments"
          empty={<Empty title="No failed payments in the last 30 days." testid="failed-empty" />}
        >
          {(list) => (
            <DataTable caption="Failed payments" columns={['When', 'Org', 'Event']}>
              <For each={list}>
                {(f) => (
                  <tr data-testid="failed-row">
                    <td>
                      <time datetime={f.at}>{f.at.replace('T', ' ').slice(0, 16)}</time>
                    </td>
                    <td>{f.org_name}</td>
                    <td class="mono small">{f.event_id}</td>
                  </tr>
                )}
              </For>
            </DataTable>
          )}
        </Section>
      </section>
      <section class="card" aria-labelledby="subs-title">
        <h2 id="subs-title">Subscriptions</h2>
        <Section
          result={subs()}
          what="subscriptions"
          empty={<Empty title="No subscriptions yet." testid="subs-empty" />}
        >
          {(list) => (
            <DataTable
              caption="Subscriptions"
              columns={['Org', 'Plan', 'Status', 'Effective plan', 'Period ends', 'Stripe']}
            >
              <For each={list}>
                {(s) => (
                  <tr data-testid="subscription-row" data-org={s.org_id}>
                    <td>{s.org_name}</td>
                    <td class="capitalize">{s.plan}</td>
                    <td>{s.status}</td>
                    <td class="capitalize">{s.effective_plan}</td>
                    <td>{s.current_period_end?.slice(0, 10) ?? '—'}</td>
                    <td class="mono small">{s.stripe_subscription_id ?? '—'}</td>
                  </tr>
                )}
              </For>
            </DataTable>
          )}
        </Section>
      </section>
    </AppShell>
  );
}
