import { createAsync, type RouteDefinition } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { AppShell } from '../components/app-shell.tsx';
import { KitRequirements } from '../components/kit-requirements.tsx';
import { Empty, Section } from '../components/states.tsx';
import { getKits } from '../features/catalog/index.ts';
import { preloadFrom } from '../lib/route-preload.ts';

export const route = {
  preload: preloadFrom(
    () => import('../features/catalog/index.ts'),
    (f) => [f.getKits()],
  ),
} satisfies RouteDefinition;

/** The StackKits catalog: each kit, its requirements, and every variant's services. */
export default function StackKits() {
  const kits = createAsync(() => getKits());
  return (
    <AppShell title="StackKits">
      <Section
        result={kits()}
        what="the StackKits catalog"
        empty={<Empty title="No StackKits are published." />}
      >
        {(list) => (
          <For each={list}>
            {(kit) => (
              <section class="card kit" aria-labelledby={`kit-${kit.name}`} data-testid="kit">
                <div class="card-head">
                  <h2 id={`kit-${kit.name}`}>{kit.name}</h2>
                  <span class="muted small">default variant: {kit.defaultVariant}</span>
                </div>
                <p>{kit.summary}</p>
                <h3>Requirements</h3>
                <KitRequirements requirements={kit.requirements} />
                <h3>Variants</h3>
                <div class="variant-grid">
                  <For each={kit.variants}>
                    {(v) => (
                      <div class="variant">
                        <h4>
                          {v.name}
                          <Show when={v.name === kit.defaultVariant}>
                            <span class="badge badge-good">default</span>
                          </Show>
                        </h4>
                        <p class="muted small">{v.summary}</p>
                        <Show when={v.minNodes !== null || v.needsPublicDomain}>
                          <p class="small">
                            {v.minNodes !== null ? `at least ${v.minNodes} nodes` : ''}
                            {v.minNodes !== null && v.needsPublicDomain ? ' · ' : ''}
                            {v.needsPublicDomain ? 'needs a public domain' : ''}
                          </p>
                        </Show>
                        <ul class="services">
                          <For each={v.services}>
                            {(s) => (
                              <li>
                                <strong>{s.name}</strong> <span class="mono small muted">{s.image}</span>
                              </li>
                            )}
                          </For>
                        </ul>
                      </div>
                    )}
                  </For>
                </div>
              </section>
            )}
          </For>
        )}
      </Section>
    </AppShell>
  );
}
