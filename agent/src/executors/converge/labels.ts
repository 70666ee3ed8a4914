/** The labels the agent puts on everything it creates for a stack (ORCH-CONTRACT.md). */
import { type SimScope, scopeLabels, simScope } from '../../sim/scope.ts';

export const LABEL = {
  managed: 'kombify.managed',
  stack: 'kombify.stack',
  node: 'kombify.node',
  service: 'kombify.service',
  specHash: 'kombify.spec-hash',
  /** Short hashes per part of the spec, so a replacement can say what changed. */
  specParts: 'kombify.spec-parts',
} as const;

/** In a KombiSim node, also the simulation's labels: deleting the node removes what it deployed. */
export function stackLabels(
  stack: string,
  node: string,
  scope: SimScope | null = simScope(),
): Record<string, string> {
  return { [LABEL.managed]: 'true', [LABEL.stack]: stack, [LABEL.node]: node, ...scopeLabels(scope) };
}

/**
 * Docker label filters for one stack, on one node when given; in a KombiSim node only what this
 * node deployed (the host engine is shared with the host and other nodes).
 */
export function stackFilter(
  stack: string,
  node?: string,
  scope: SimScope | null = simScope(),
): { label: string[] } {
  const label = [`${LABEL.managed}=true`, `${LABEL.stack}=${stack}`];
  if (node !== undefined) label.push(`${LABEL.node}=${node}`);
  if (scope) label.push(`kombify.sim-node=${scope.nodeId}`);
  return { label };
}
