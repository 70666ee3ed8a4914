/**
 * modern-homelab: nodes at home and in the cloud as one Docker Swarm with a single manager
 * (CONTRACTS.md). Choices where the contract is silent, documented in the README:
 *
 * - The one `main` node is the Swarm manager and runs Dokploy, Uptime Kuma and the Dozzle hub; more
 *   than one main node is a kit_constraint (ha-homelab is the multi-manager kit).
 * - The public node is the first cloud node that is not an edge node (else the manager): Traefik and
 *   whoami run there, so the stack is reached through the cloud machine.
 * - Home nodes reach cloud nodes over a VPN overlay: a spec mixing both must set network.vpn to
 *   headscale or tailscale. With headscale its control server runs on the public node.
 * - Every other node runs a Dozzle agent (port 7007), so one Dozzle shows the logs of all nodes.
 *   Edge nodes join the VPN but not the Swarm.
 */
import { checkMinimums, checkOs, requireMainNode } from '../base/index.ts';
import { catalog, checkAccess, type ServiceTemplate } from '../platforms/docker/index.ts';
import type { KitConfig, KitContext, KitDefinition, KitService, KitVariant } from '../src/kit/types.ts';
import { checkVariant, explicitVariant, variantByName } from '../src/kit/variant.ts';
import type { Spec } from '../src/spec/defaults.ts';
import { type PendingError, pending } from '../src/spec/errors.ts';
import { cloudProviders, osNames } from '../src/spec/vocabulary.ts';

const variants: readonly KitVariant[] = [
  {
    name: 'default',
    summary: 'Dokploy, Uptime Kuma, Dozzle on every node, whoami on the public node',
    services: ['traefik', 'dokploy', 'uptime-kuma', 'dozzle', 'whoami'],
  },
  { name: 'minimal', summary: 'Dokploy and Dozzle', services: ['traefik', 'dokploy', 'dozzle'] },
];

const minimum = { role: 'manager', cpu: 2, memoryGi: 4, diskGi: 50 };

function configure(spec: Spec): { config: KitConfig | null; errors: PendingError[] } {
  const errors: PendingError[] = [];
  const noMain = requireMainNode(spec);
  if (noMain) return { config: null, errors: [noMain] };
  const mains = spec.nodes.filter((n) => n.type === 'main');
  if (mains.length > 1) {
    errors.push(
      pending(
        ['nodes'],
        'kit_constraint',
        `modern-homelab runs one Swarm manager: exactly one main node, found ${mains.length} (${mains.map((n) => n.name).join(', ')}). Make the others worker nodes, or use ha-homelab`,
      ),
    );
  }
  const managerIndex = spec.nodes.findIndex((n) => n.type === 'main');
  const manager = mains[0]!;
  errors.push(...checkOs(spec, osNames), ...checkMinimums(spec, managerIndex, minimum));

  const home = spec.nodes.some((n) => !cloudProviders.has(n.provider));
  const cloud = spec.nodes.some((n) => cloudProviders.has(n.provider));
  const vpn = spec.network.vpn;
  if (home && cloud && vpn !== 'headscale' && vpn !== 'tailscale') {
    errors.push(
      pending(
        ['network', 'vpn'],
        'kit_constraint',
        `modern-homelab connects home nodes to cloud nodes over a VPN overlay: set network.vpn to headscale or tailscale (it is ${vpn})`,
      ),
    );
  }

  const variant = explicitVariant(spec, variants, errors) ?? variantByName(variants, 'default');
  checkVariant(spec, variant, spec.nodes.length, errors);
  errors.push(...checkAccess(spec));

  const publicNode = spec.nodes.find((n) => n.type !== 'edge' && cloudProviders.has(n.provider)) ?? manager;
  const members = spec.nodes.filter((n) => n.type !== 'edge');
  return {
    config: {
      variant: variant.name,
      tier: null,
      notes: [],
      topology: {
        primary: manager.name,
        ingress: publicNode.name,
        swarm: {
          leader: manager.name,
          managers: [manager.name],
          workers: members.filter((n) => n !== manager).map((n) => n.name),
        },
        swarmServices: false,
      },
    },
    errors,
  };
}

function services(ctx: KitContext): KitService[] {
  const { config, spec } = ctx;
  const { primary, ingress } = config.topology;
  const names = [...variantByName(variants, config.variant).services];
  if (spec.network.vpn === 'headscale') names.splice(1, 0, 'headscale');
  const agentNodes = spec.nodes.filter((n) => n.name !== primary);

  const out: KitService[] = names.map((name) => {
    let template = catalog.get(name) as ServiceTemplate;
    const onIngress = name === 'traefik' || name === 'whoami' || name === 'headscale';
    if (name === 'dozzle' && agentNodes.length > 0) {
      // The hub dials each agent at its node's address: edge nodes are not on the overlay network,
      // so one rule for all nodes (LAN or VPN address, agent port published) keeps it uniform.
      const agents = agentNodes.map((n) => `${n.ssh?.host ?? n.name}:7007`);
      template = { ...template, env: { ...template.env, DOZZLE_REMOTE_AGENT: agents.join(',') } };
    }
    return {
      template,
      placement: { kind: 'node', node: onIngress ? ingress : primary },
      needs: name === 'traefik' ? [] : ['traefik'],
    };
  });
  if (names.includes('dozzle') && agentNodes.length > 0) {
    const agent = catalog.get('dozzle-agent') as ServiceTemplate;
    out.push({
      template: agent,
      placement: { kind: 'each', nodes: agentNodes.map((n) => n.name) },
      needs: [],
    });
    out.find((s) => s.template.name === 'dozzle')?.needs.push('dozzle-agent');
  }
  return out;
}

export const modernHomelab: KitDefinition = {
  name: 'modern-homelab',
  summary:
    'Home and cloud nodes as one Docker Swarm (one manager) over a VPN, Dokploy, Traefik on the cloud node',
  variants,
  defaultVariant: 'default',
  defaultSubnet: '10.20.0.0/16',
  requirements: {
    nodes: { min: 1, max: null },
    os: osNames,
    minimums: [minimum],
    notes: [
      'exactly one main node: the Swarm manager',
      'home and cloud nodes together need network.vpn headscale or tailscale',
      'Traefik runs on the first cloud node (else the manager)',
      'access mode proxy needs network.domain',
      'network.proxy.provider caddy runs Caddy in place of Traefik',
    ],
  },
  configure,
  services,
};
