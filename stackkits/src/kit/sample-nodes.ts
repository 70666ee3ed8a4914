/**
 * Nodes for a new spec that has none yet (a compose import or an app added to an empty stack):
 * the smallest set each kit accepts, sized for the kit's default variant. They are placeholders
 * to edit (addresses, resources), valid as written.
 */
import type { KitName, NodeType, Provider } from '../spec/vocabulary.ts';

export interface SampleNode {
  name: string;
  type: NodeType;
  provider?: Provider;
  resources: { cpu: number; memory: string; disk: string };
}

/** The sample nodes of a kit; `first` names the first (main) node. */
export function sampleNodes(kit: KitName, first?: string): SampleNode[] {
  if (kit === 'ha-homelab') {
    return [1, 2, 3].map((i) => ({
      name: i === 1 && first ? first : `node-${i}`,
      type: 'main',
      resources: { cpu: 4, memory: '8Gi', disk: '100Gi' },
    }));
  }
  if (kit === 'modern-homelab') {
    return [
      {
        name: first ?? 'cloud',
        type: 'main',
        provider: 'hetzner',
        resources: { cpu: 4, memory: '8Gi', disk: '80Gi' },
      },
    ];
  }
  return [{ name: first ?? 'server', type: 'main', resources: { cpu: 4, memory: '8Gi', disk: '100Gi' } }];
}
