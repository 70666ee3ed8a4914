import { createAsync, type RouteDefinition, revalidate, useAction, useSearchParams } from '@solidjs/router';
import { createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { AppShell } from '../components/app-shell.tsx';
import { PlanLimitsList } from '../components/plan-limits.tsx';
import { Problem, Section } from '../components/states.tsx';
import { getPlan, getPlans, openPortal, startCheckout } from '../features/billing/index.ts';
import { dataOf, type EdgeResult } from '../lib/edge-result.ts';
import { preloadFrom } from '../lib/route-preload.ts';

export const route = {
  preload: preloadFrom(
    () => import('../features/billing/index.ts'),
    (f) => [f.getPlan(), f.getPlans()],
  ),
} satisfies RouteDefinition;

type Failure = Extract<EdgeResult<unknown>, { ok: false }>;

/** Current plan and usage against its limits; upgrade through Stripe Checkout, manage in Stripe's portal. */
export default function Billing() {
  const plan = createAsync(() => getPlan());
  const plans = createAsync(() => getPlans());
  const [params] = useSearchParams();
  const checkout = useAction(startCheckout);
  const portal = useAction(openPortal);
  const [failure, setFailure] = createSignal<Failure>();
  const [busy, setBusy] = createSignal(false);
  const returned = () => params.checkout === 'success';

  // Back from Checkout: the plan changes when Stripe's webhook arrives, usually within seconds.
  onMount(() => {
    if (!returned()) return;
    const timer = setInterval(() => void revalidate(getPlan.key), 1500);
    const stop = setTimeout(() => clearInterval(timer), 60_000);
    onCleanup(() => {
      clearInterval(timer);
      clearTimeout(stop);
    });
  });

  const go = async (run: () => Promise<{ ok: true; data: { url: string | null } } | Failure>) => {
    setBusy(true);
    setFailure(undefined);
    const result = await run();
    if (result.ok && result.data.url) {
      window.location.assign(result.data.url);
      return;
    }
    setBusy(false);
    setFailure(
      result.ok
        ? { ok: false, status: 502, code: 'NO_URL', message: 'Stripe returned no page to go to' }
        : result,
    );
  };
  const upgrade = (name: string) => {
    const form = new FormData();
    form.set('plan', name);
    return go(() => checkout(form));
  };

  return (
    <AppShell title="Billing">
      <Show when={returned()}>
        <p class="notice notice-good" role="status" data-testid="checkout-returned">
          Thanks! Your payment went through. The new plan applies as soon as Stripe confirms it.
        </p>
      </Show>
      <Show when={params.checkout === 'cancelled'}>
        <p class="notice" role="status">
          Checkout was cancelled; nothing changed.
        </p>
      </Show>
      <Show when={failure()}>{(f) => <Problem result={f()} what="the Stripe page" />}</Show>
      <Section result={plan()} what="your plan">
        {(p) => (
          <div class="grid">
            <section class="card" aria-labelledby="plan-title">
              <div class="card-head">
                <h2 id="plan-title">
                  Current plan:{' '}
                  <span class="capitalize" data-testid="current-plan">
                    {p.plan}
                  </span>
                </h2>
                <span class="badge badge-muted">{p.status}</span>
              </div>
              <Show when={p.grace_until}>
                <p class="notice notice-warn">A payment failed; the plan stays until {p.grace_until}.</p>
              </Show>
              <h3>Usage</h3>
              <div class="usage">
                <label for="usage-nodes">
                  Nodes: {p.usage.nodes} of <span data-testid="usage-limit">{p.limits.nodes}</span>
                </label>
                <meter
                  id="usage-nodes"
                  min={0}
                  max={p.limits.nodes}
                  value={p.usage.nodes}
                  high={p.limits.nodes * 0.8}
                />
              </div>
              <h3>Limits</h3>
              <PlanLimitsList limits={p.limits} />
              <Show when={p.subscribed_plan !== 'free'}>
                <button
                  type="button"
                  class="btn"
                  disabled={busy()}
                  onClick={() => void go(() => portal())}
                  data-testid="manage-billing"
                >
                  Manage billing in Stripe
                </button>
              </Show>
            </section>
            <section class="card" aria-labelledby="upgrade-title">
              <h2 id="upgrade-title">Change plan</h2>
              <Section result={plans()} what="the plans">
                {(list) => (
                  <ul class="plan-options">
                    <For each={list.filter((x) => x.name !== 'free')}>
                      {(option) => (
                        <li>
                          <div>
                            <strong class="capitalize">{option.name}</strong>
                            <span class="muted small">
                              {' '}
                              · {option.limits.nodes} nodes, {option.limits.stacks} stacks
                            </span>
                          </div>
                          <button
                            type="button"
                            class="btn btn-primary"
                            disabled={busy() || option.name === dataOf(plan())?.plan}
                            onClick={() => void upgrade(option.name)}
                            data-testid={`upgrade-${option.name}`}
                          >
                            {option.name === dataOf(plan())?.plan
                              ? 'Current plan'
                              : `Upgrade to ${option.name}`}
                          </button>
                        </li>
                      )}
                    </For>
                  </ul>
                )}
              </Section>
            </section>
          </div>
        )}
      </Section>
    </AppShell>
  );
}
