/**
 * Two services cannot publish the same host port on the same node. A Swarm service published in
 * ingress mode holds its port on every Swarm node (the routing mesh), so it clashes with a port
 * published on any of them. One pass over the published ports: linear in what is published.
 */
import type { KitConfig } from '../kit/types.ts';
import { type PathSegments, type PendingError, pending } from '../spec/errors.ts';
import type { ModelService } from './model-types.ts';

export function nodesOf(s: ModelService, members: ReadonlySet<string>, config: KitConfig): string[] {
  const p = s.placement;
  if (p.kind === 'node') return [p.node];
  if (p.kind === 'each') return p.nodes;
  if (p.constraints.includes('node.role == manager')) return config.topology.swarm?.managers ?? [];
  return [...members];
}

interface Holder {
  service: string;
  /** Spec path of the port when the spec declared it. */
  at: PathSegments | null;
}

export function checkPorts(
  services: ModelService[],
  config: KitConfig,
  members: ReadonlySet<string>,
): PendingError[] {
  const errors: PendingError[] = [];
  const perNode = new Map<string, Map<string, Holder>>();
  const ingress = new Map<string, Holder>();
  const onAnyMember = new Map<string, Holder>();
  const report = (holder: Holder, other: Holder, key: string, where: string) => {
    const message =
      other.service === holder.service
        ? `host port ${key}${where} is published twice by ${holder.service}`
        : `host port ${key}${where} is published by both ${other.service} and ${holder.service}`;
    // Point at a port the spec wrote, if either is one: that is what the user can change.
    errors.push(pending(holder.at ?? other.at ?? ['services'], 'duplicate', message));
  };

  for (const s of services) {
    const swarmIngress = s.placement.kind === 'swarm' && s.publishMode === 'ingress';
    const nodes = swarmIngress ? [] : nodesOf(s, members, config);
    for (const port of s.ports) {
      if (port.host === null) continue;
      const key = `${port.host}/${port.protocol}`;
      const holder: Holder = { service: s.name, at: port.at };
      if (swarmIngress) {
        const other = ingress.get(key) ?? onAnyMember.get(key);
        if (other) report(holder, other, key, ' on the Swarm');
        else ingress.set(key, holder);
        continue;
      }
      for (const node of nodes) {
        let used = perNode.get(node);
        if (!used) {
          used = new Map();
          perNode.set(node, used);
        }
        const other = used.get(key) ?? (members.has(node) ? ingress.get(key) : undefined);
        if (other) {
          report(holder, other, key, ` on ${node}`);
          break;
        }
        used.set(key, holder);
        if (members.has(node) && !onAnyMember.has(key)) onAnyMember.set(key, holder);
      }
    }
  }
  return errors;
}
