/**
 * `needs` across kit and spec services: every need must name a service the stack runs and that is
 * enabled, and the services are ordered dependencies first.
 */
import { catalog } from '../../platforms/docker/index.ts';
import type { KitConfig } from '../kit/types.ts';
import type { Spec } from '../spec/defaults.ts';
import { type PendingError, pending } from '../spec/errors.ts';
import type { ModelService } from './model-types.ts';
import { topoSort } from './topo-order.ts';

export function checkNeeds(
  all: ModelService[],
  byName: Map<string, ModelService>,
  spec: Spec,
  config: KitConfig,
  errors: PendingError[],
): void {
  const declared = new Set(spec.services.map((s) => s.name));
  const brokenKitNeeds = new Map<string, string[]>();
  for (const s of all) {
    if (!s.enabled) continue;
    s.needs.forEach((need, j) => {
      const target = byName.get(need);
      if (target?.enabled) return;
      if (!target && declared.has(need)) return; // that service has its own error
      if (!target && !catalog.has(need)) return; // unknown name: reported by the raw checks
      if (s.needsFromSpec && s.specIndex !== null) {
        const why = target
          ? `"${need}" is disabled (enabled: false)`
          : `this stack does not run "${need}" (${spec.kit}, variant ${config.variant})`;
        errors.push(
          pending(
            ['services', s.specIndex, 'needs'],
            'invalid_reference',
            `needs "${need}", but ${why}`,
            'value',
            ['services', s.specIndex, 'needs', j],
          ),
        );
      } else if (target) {
        const dependents = brokenKitNeeds.get(need);
        if (dependents) dependents.push(s.name);
        else brokenKitNeeds.set(need, [s.name]);
      }
    });
  }
  for (const [need, dependents] of brokenKitNeeds) {
    const index = byName.get(need)?.specIndex;
    errors.push(
      pending(
        index === null || index === undefined ? ['services'] : ['services', index, 'enabled'],
        'invalid_reference',
        `"${need}" is disabled, but ${dependents.join(', ')} need${dependents.length === 1 ? 's' : ''} it`,
      ),
    );
  }
  // Drop needs on services that are not there, so ordering can go on.
  for (const s of all) s.needs = s.needs.filter((n) => byName.get(n)?.enabled);
}

/** Dependencies first; ties keep declaration order (kit services, then the spec's). */
export function dependencyOrder(services: ModelService[], errors: PendingError[]): ModelService[] {
  const index = new Map(services.map((s, i) => [s.name, i]));
  const edges = services.map((s) => s.needs.map((n) => index.get(n) ?? -1));
  const { order, cycles } = topoSort(services.length, (v) => edges[v] ?? []);
  for (const cycle of cycles) {
    const members = cycle.path.slice(0, -1).map((v) => services[v]!);
    // Cycles made only of the spec's own needs were reported by the raw checks.
    if (members.every((s) => s.needsFromSpec)) continue;
    const from = services[cycle.from]!;
    errors.push(
      pending(
        ['services'],
        'circular_dependency',
        `needs form a cycle: ${cycle.path.map((v) => services[v]!.name).join(' → ')}`,
        'value',
        from.specIndex === null ? ['services'] : ['services', from.specIndex, 'needs'],
      ),
    );
  }
  return order.map((v) => services[v]!);
}
