/**
 * The proxy provider of a spec (network.proxy.provider) applied to a kit's services. Kits are
 * written with Traefik as their proxy; another provider takes Traefik's place, placement and role
 * in `needs`, so no kit has to know which proxy the spec chose.
 */
import { catalog } from '../../platforms/docker/catalog.ts';
import type { KitService } from '../kit/types.ts';
import type { ProxyProvider } from '../spec/vocabulary.ts';

export function withProxy(services: readonly KitService[], provider: ProxyProvider): readonly KitService[] {
  if (provider === 'traefik') return services;
  const template = catalog.get(provider);
  if (!template) throw new Error(`no catalog template for the proxy ${provider}`);
  return services.map((ks) => ({
    ...ks,
    template: ks.template.name === 'traefik' ? template : ks.template,
    needs: ks.needs.map((n) => (n === 'traefik' ? provider : n)),
  }));
}
