/**
 * A Swarm placement the swarm can meet (issue 22): a constraint `node.labels.<key> == <value>`
 * from the spec must match a label of at least one Swarm member (the spec's `nodes[].labels`, or
 * `kombify.node`, which is each member's name), else Swarm would leave the service's tasks pending
 * forever with "no suitable node". Caught here, at the constraint's path, before anything runs.
 */
import type { Spec } from '../spec/defaults.ts';
import { type PendingError, pending } from '../spec/errors.ts';
import type { ModelService } from './model-types.ts';

const labelConstraint = /^node\.labels\.([^\s=!]+)\s*==\s*(\S+)$/;

export function checkPlacement(
  services: ModelService[],
  spec: Spec,
  members: ReadonlySet<string>,
): PendingError[] {
  const errors: PendingError[] = [];
  const nodes = spec.nodes.filter((n) => members.has(n.name));
  const has = (key: string, value: string) =>
    key === 'kombify.node' ? members.has(value) : nodes.some((n) => n.labels[key] === value);
  for (const s of services) {
    if (s.specIndex === null || s.placement.kind !== 'swarm') continue;
    const written = spec.services[s.specIndex]?.placement ?? [];
    written.forEach((constraint, j) => {
      const match = labelConstraint.exec(constraint);
      if (!match || has(match[1]!, match[2]!)) return;
      const [, key, value] = match as unknown as [string, string, string];
      const known = [...new Set(nodes.flatMap((n) => Object.entries(n.labels).map(([k, v]) => `${k}=${v}`)))];
      errors.push(
        pending(
          ['services', s.specIndex as number, 'placement', j],
          'invalid_reference',
          `no Swarm node has the label ${key}=${value}, so ${s.name} could never be placed; the members' labels: ${known.length > 0 ? known.join(', ') : 'none'} (set them in nodes[].labels)`,
        ),
      );
    });
  }
  return errors;
}
