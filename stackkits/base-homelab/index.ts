/**
 * base-homelab: one server running Docker, a PaaS and monitoring (CONTRACTS.md "StackKits").
 *
 * Rules: exactly one node; at least 2 CPU / 4Gi / 50Gi; OS ubuntu-24, ubuntu-22 or debian-12.
 * Compute tier from the server's resources: high (≥ 8 CPU and ≥ 16Gi) adds prometheus and grafana;
 * low (< 4 CPU or < 8Gi) forces the minimal variant. When the spec names no variant, low tier picks
 * minimal and says so in the plan notes; when it names another variant explicitly, that is a
 * kit_constraint error — the server cannot run what was asked for, and silently running something
 * else would surprise.
 */
import { checkMinimums, checkOs, requireMainNode } from '../base/index.ts';
import { catalog, checkAccess, type ServiceTemplate } from '../platforms/docker/index.ts';
import type { KitConfig, KitContext, KitDefinition, KitService, KitVariant } from '../src/kit/types.ts';
import { checkVariant, explicitVariant, variantByName } from '../src/kit/variant.ts';
import type { NodeSpec, Spec } from '../src/spec/defaults.ts';
import { type PendingError, pending } from '../src/spec/errors.ts';
import { GiB, parseSize } from '../src/spec/formats.ts';
import type { ComputeTier, OsName } from '../src/spec/vocabulary.ts';
import type { PlanNote } from '../src/unifier/plan.ts';

const variants: readonly KitVariant[] = [
  {
    name: 'default',
    summary: 'Dokploy PaaS with Uptime Kuma',
    services: ['traefik', 'dokploy', 'uptime-kuma', 'dozzle', 'whoami'],
  },
  {
    name: 'beszel',
    summary: 'Dokploy PaaS with Beszel server metrics',
    services: ['traefik', 'dokploy', 'beszel', 'dozzle', 'whoami'],
  },
  {
    name: 'minimal',
    summary: 'Lightweight: Dockge, Portainer and Netdata',
    services: ['traefik', 'dockge', 'portainer', 'netdata', 'dozzle'],
  },
  {
    name: 'coolify',
    summary: 'Coolify PaaS for users with their own domain',
    services: ['traefik', 'coolify', 'uptime-kuma', 'dozzle', 'whoami'],
    needsPublicDomain: true,
  },
];

const os: readonly OsName[] = ['ubuntu-24', 'ubuntu-22', 'debian-12'];
const minimum = { role: 'server', cpu: 2, memoryGi: 4, diskGi: 50 };
const highTierExtras = ['prometheus', 'grafana'];

/** Compute tier of a server (CONTRACTS.md; GB read as GiB, the unit sizes are written in). */
export function computeTier(node: NodeSpec): ComputeTier {
  const memory = parseSize(node.resources.memory) ?? 0;
  if (node.resources.cpu >= 8 && memory >= 16 * GiB) return 'high';
  if (node.resources.cpu < 4 || memory < 8 * GiB) return 'low';
  return 'standard';
}

function configure(spec: Spec): { config: KitConfig | null; errors: PendingError[] } {
  const errors: PendingError[] = [];
  if (spec.nodes.length !== 1) {
    errors.push(
      pending(
        ['nodes'],
        'kit_constraint',
        `base-homelab runs on exactly one node; the spec has ${spec.nodes.length} (${spec.nodes.map((n) => n.name).join(', ')}). Use modern-homelab or ha-homelab for more`,
      ),
    );
  }
  const noMain = requireMainNode(spec);
  if (noMain) return { config: null, errors: [...errors, noMain] };
  const index = spec.nodes.findIndex((n) => n.type === 'main');
  const server = spec.nodes[index] as NodeSpec;
  errors.push(...checkOs(spec, os), ...checkMinimums(spec, index, minimum));

  const tier = computeTier(server);
  const notes: PlanNote[] = [];
  const explicit = explicitVariant(spec, variants, errors);
  let variant = explicit ?? variantByName(variants, 'default');
  if (tier === 'low') {
    const low = `compute tier low (${server.name}: ${server.resources.cpu} CPU, ${server.resources.memory} memory; standard needs at least 4 CPU and 8Gi)`;
    if (explicit && explicit.name !== 'minimal') {
      errors.push(
        pending(
          ['variant'],
          'kit_constraint',
          `${low} runs only the minimal variant, not ${explicit.name}; add resources or choose variant minimal`,
        ),
      );
    } else if (!explicit) {
      variant = variantByName(variants, 'minimal');
      notes.push({ code: 'tier_forced_variant', message: `${low}: variant minimal was chosen` });
    }
  }
  if (tier === 'high') {
    notes.push({
      code: 'tier_extras',
      message: `compute tier high (${server.name}): prometheus and grafana added`,
    });
  }
  checkVariant(spec, variant, spec.nodes.length, errors);
  errors.push(...checkAccess(spec));
  return {
    config: {
      variant: variant.name,
      tier,
      notes,
      topology: { primary: server.name, ingress: server.name, swarm: null, swarmServices: false },
    },
    errors,
  };
}

function services(ctx: KitContext): KitService[] {
  const { config, spec } = ctx;
  const names = [...variantByName(variants, config.variant).services];
  if (config.tier === 'high') names.push(...highTierExtras.filter((n) => !names.includes(n)));
  return names.map((name) => {
    let template = catalog.get(name) as ServiceTemplate;
    if (name === 'coolify') {
      template = { ...template, env: { ...template.env, APP_URL: `https://coolify.${spec.network.domain}` } };
    }
    return {
      template,
      placement: { kind: 'node', node: config.topology.primary },
      needs: name === 'traefik' ? [] : ['traefik'],
    };
  });
}

export const baseHomelab: KitDefinition = {
  name: 'base-homelab',
  summary: 'One server: Docker, Traefik, a PaaS and monitoring',
  variants,
  defaultVariant: 'default',
  defaultSubnet: '172.20.0.0/16',
  requirements: {
    nodes: { min: 1, max: 1 },
    os,
    minimums: [minimum],
    notes: [
      'compute tier high (≥ 8 CPU and ≥ 16Gi) adds prometheus and grafana',
      'compute tier low (< 4 CPU or < 8Gi) runs only the minimal variant',
      'variant coolify needs a public domain',
      'access mode proxy needs network.domain',
      'network.proxy.provider caddy runs Caddy in place of Traefik',
    ],
  },
  configure,
  services,
};
