/**
 * ha-homelab: a highly available Docker Swarm (CONTRACTS.md). Main nodes are the managers (3, 5
 * or 7: quorum 2/3/4, tolerating 1/2/3 failures), worker nodes the workers; edge nodes stay out of
 * the Swarm. Managers need ≥ 4 CPU / 8Gi / 100Gi, workers ≥ 2 / 4Gi / 50Gi. Every service on a
 * Swarm node is a Swarm service with rolling updates (one at a time, 10 s apart, roll back on
 * failure, start-first) on the overlay network (default 10.10.0.0/16). Traefik runs on every
 * manager, publishing 80/443 in host mode.
 */
import { checkMinimums, checkOs, requireMainNode } from '../base/index.ts';
import {
  catalog,
  checkAccess,
  hostPortUpdate,
  quorum,
  type ServiceTemplate,
} from '../platforms/docker/index.ts';
import type { KitConfig, KitContext, KitDefinition, KitService, KitVariant } from '../src/kit/types.ts';
import { checkVariant, explicitVariant, variantByName } from '../src/kit/variant.ts';
import type { Spec } from '../src/spec/defaults.ts';
import { type PendingError, pending } from '../src/spec/errors.ts';
import { osNames } from '../src/spec/vocabulary.ts';

const variants: readonly KitVariant[] = [
  {
    name: 'default',
    summary: 'Portainer, Uptime Kuma, Dozzle, whoami on every manager',
    services: ['traefik', 'portainer', 'uptime-kuma', 'dozzle', 'whoami'],
  },
  { name: 'minimal', summary: 'Traefik and Dozzle', services: ['traefik', 'dozzle'] },
  {
    name: 'enterprise',
    summary: 'default plus Prometheus and Grafana',
    services: ['traefik', 'portainer', 'uptime-kuma', 'dozzle', 'whoami', 'prometheus', 'grafana'],
    minNodes: 5,
  },
];

const managerCounts = [3, 5, 7] as const;
const managerMinimum = { role: 'manager', cpu: 4, memoryGi: 8, diskGi: 100 };
const workerMinimum = { role: 'worker', cpu: 2, memoryGi: 4, diskGi: 50 };
const onManagers = ['node.role == manager'];

function configure(spec: Spec): { config: KitConfig | null; errors: PendingError[] } {
  const errors: PendingError[] = [];
  const members = spec.nodes.filter((n) => n.type !== 'edge');
  const managers = members.filter((n) => n.type === 'main');
  if (members.length < 3) {
    errors.push(
      pending(
        ['nodes'],
        'kit_constraint',
        `ha-homelab needs at least 3 Swarm nodes (main or worker); the spec has ${members.length}`,
      ),
    );
  } else if (!(managerCounts as readonly number[]).includes(managers.length)) {
    const n = managers.length;
    errors.push(
      pending(
        ['nodes'],
        'kit_constraint',
        `ha-homelab needs 3, 5 or 7 managers (main nodes) for a Raft quorum; found ${n}${n > 0 ? ` (quorum ${quorum(n)}, tolerates ${n - quorum(n)} failure${n - quorum(n) === 1 ? '' : 's'} — no better than ${n - 1})` : ''}`,
      ),
    );
  }
  const noMain = requireMainNode(spec);
  if (noMain) return { config: null, errors: errors.length > 0 ? errors : [noMain] };

  errors.push(...checkOs(spec, osNames));
  spec.nodes.forEach((node, i) => {
    if (node.type === 'main') errors.push(...checkMinimums(spec, i, managerMinimum));
    if (node.type === 'worker') errors.push(...checkMinimums(spec, i, workerMinimum));
  });
  const variant = explicitVariant(spec, variants, errors) ?? variantByName(variants, 'default');
  checkVariant(spec, variant, members.length, errors);
  errors.push(...checkAccess(spec));

  const leader = managers[0]!;
  const q = quorum(managers.length);
  return {
    config: {
      variant: variant.name,
      tier: null,
      notes: [
        {
          code: 'swarm_quorum',
          message: `${managers.length} managers: quorum ${q}, tolerates ${managers.length - q} manager failure${managers.length - q === 1 ? '' : 's'}`,
        },
        {
          code: 'swarm_volumes',
          message:
            'named volumes are local to a node: a stateful service rescheduled to another manager starts with an empty volume; use shared storage for data that must follow it',
        },
      ],
      topology: {
        primary: leader.name,
        ingress: leader.name,
        swarm: {
          leader: leader.name,
          managers: managers.map((n) => n.name),
          workers: members.filter((n) => n.type === 'worker').map((n) => n.name),
        },
        swarmServices: true,
      },
    },
    errors,
  };
}

function services(ctx: KitContext): KitService[] {
  const managers = ctx.config.topology.swarm?.managers.length ?? 1;
  return variantByName(variants, ctx.config.variant).services.map((name): KitService => {
    const template = catalog.get(name) as ServiceTemplate;
    const needs = name === 'traefik' ? [] : ['traefik'];
    switch (name) {
      case 'traefik':
        // One Traefik per manager, listening on the node itself (host mode).
        return {
          template,
          placement: { kind: 'swarm', mode: 'global', constraints: onManagers },
          needs,
          publishMode: 'host',
          update: hostPortUpdate,
        };
      case 'dozzle':
        // Swarm mode: one Dozzle per node, each showing the whole cluster.
        return {
          template: { ...template, env: { ...template.env, DOZZLE_MODE: 'swarm' } },
          placement: { kind: 'swarm', mode: 'global', constraints: [] },
          needs,
        };
      case 'whoami':
        return {
          template,
          placement: { kind: 'swarm', mode: 'replicated', replicas: managers, constraints: [] },
          needs,
        };
      default:
        // Stateful single-replica services stay on managers (see the swarm_volumes note).
        return {
          template,
          placement: { kind: 'swarm', mode: 'replicated', replicas: 1, constraints: onManagers },
          needs,
        };
    }
  });
}

export const haHomelab: KitDefinition = {
  name: 'ha-homelab',
  summary: 'Docker Swarm HA: 3, 5 or 7 managers, rolling updates, Traefik on every manager',
  variants,
  defaultVariant: 'default',
  defaultSubnet: '10.10.0.0/16',
  requirements: {
    nodes: { min: 3, max: null },
    os: osNames,
    minimums: [managerMinimum, workerMinimum],
    managerCounts,
    notes: [
      'main nodes are Swarm managers (3, 5 or 7), worker nodes Swarm workers, edge nodes stay out',
      'variant enterprise needs at least 5 Swarm nodes',
      'rolling updates: parallelism 1, delay 10s, failure action rollback, order start-first',
      'access mode proxy needs network.domain',
      'the proxy is Traefik (network.proxy.provider caddy is not available: Swarm services get no files)',
    ],
  },
  configure,
  services,
};
