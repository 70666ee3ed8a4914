import { Title } from '@solidjs/meta';
import { createAsync, type RouteDefinition } from '@solidjs/router';
import { For } from 'solid-js';
import { PlanLimitsList } from '../components/plan-limits.tsx';
import { PublicHeader } from '../components/public-header.tsx';
import { SiteFooter } from '../components/site-footer.tsx';
import { Section } from '../components/states.tsx';
import { getPlans } from '../features/billing/index.ts';
import { preloadFrom } from '../lib/route-preload.ts';

export const route = {
  preload: preloadFrom(
    () => import('../features/billing/index.ts'),
    (f) => [f.getPlans()],
  ),
} satisfies RouteDefinition;

const BLURB: Record<string, string> = {
  free: 'For trying kombify on a node or two.',
  pro: 'For a real homelab, with room to grow.',
  enterprise: 'For teams running many sites.',
};

/** Plans and their limits, straight from the edge's plan table. */
export default function Pricing() {
  const plans = createAsync(() => getPlans());
  return (
    <>
      <Title>Pricing · kombify</Title>
      <PublicHeader />
      <main id="main" tabindex="-1" class="marketing">
        <h1>Pricing</h1>
        <p class="lead">
          Start free. Upgrade from Billing when you need more; checkout and invoices are handled by Stripe.
        </p>
        <Section result={plans()} what="the plans">
          {(list) => (
            <ul class="plan-grid">
              <For each={list}>
                {(p) => (
                  <li class="card plan-card" data-testid={`plan-${p.name}`}>
                    <h2 class="capitalize">{p.name}</h2>
                    <p class="muted">{BLURB[p.name]}</p>
                    <PlanLimitsList limits={p.limits} />
                  </li>
                )}
              </For>
            </ul>
          )}
        </Section>
      </main>
      <SiteFooter />
    </>
  );
}
