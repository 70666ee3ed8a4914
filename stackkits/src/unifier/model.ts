/**
 * The Unifier's middle step, shared by validation and resolution: the kit's services merged with
 * the spec's, placed on nodes, with routes and dependency order decided. Problems that need this
 * whole picture (a `needs` on a service the kit does not run, two services on one host port, a
 * route that cannot reach its service) are found here, so validation reports exactly what
 * resolution would trip over.
 */
export type { Model, ModelPort, ModelService, ModelVolume } from './model-types.ts';

import {
  catalog,
  rollingUpdate,
  type ServiceTemplate,
  stackNetworkName,
} from '../../platforms/docker/index.ts';
import { kits } from '../kit/registry.ts';
import type { Placement } from '../kit/types.ts';
import type { Spec } from '../spec/defaults.ts';
import { type PendingError, pending } from '../spec/errors.ts';
import type { ServiceSpec } from '../spec/schema.ts';
import { checkNeeds, dependencyOrder } from './dependencies.ts';
import type { Model, ModelService } from './model-types.ts';
import { checkPlacement } from './placement.ts';
import { checkPorts } from './port-conflicts.ts';
import { withProxy } from './proxy.ts';
import { decideRoutes } from './routes.ts';

export function buildModel(spec: Spec): { model: Model | null; errors: PendingError[] } {
  const kit = kits[spec.kit];
  const { config, errors } = kit.configure(spec);
  if (!config) return { model: null, errors };
  const network = stackNetworkName(spec.name);
  const swarm = config.topology.swarm;
  const members: ReadonlySet<string> = new Set(swarm ? [...swarm.managers, ...swarm.workers] : []);
  const nodeNames = new Set(spec.nodes.map((n) => n.name));

  const all: ModelService[] = [];
  const byName = new Map<string, ModelService>();
  const provider = spec.network.proxy.provider;
  if (provider !== 'traefik' && config.topology.swarmServices) {
    errors.push(
      pending(
        ['network', 'proxy', 'provider'],
        'kit_constraint',
        `${spec.kit} runs its proxy as a Swarm service on every manager, and Swarm services get no files yet (the Caddyfile is one); use traefik`,
      ),
    );
  }
  for (const ks of withProxy(kit.services({ spec, config }), provider)) {
    const s = fromTemplate(ks.template, ks.placement, [...ks.needs], true, spec);
    s.publishMode = ks.publishMode ?? 'ingress';
    s.update = ks.update ?? null;
    all.push(s);
    byName.set(s.name, s);
  }

  const userPlacement = (node: string | undefined): Placement | null => {
    const target = node ?? config.topology.primary;
    if (!nodeNames.has(target)) return null; // reported by the raw checks
    if (config.topology.swarmServices && members.has(target)) {
      return { kind: 'swarm', mode: 'replicated', replicas: 1, constraints: node ? [pinned(node)] : [] };
    }
    return { kind: 'node', node: target };
  };

  spec.services.forEach((svc, i) => {
    if (byName.has(svc.name) && byName.get(svc.name)?.specIndex !== null) return; // duplicate name
    let s = byName.get(svc.name);
    if (s) {
      if (svc.node !== undefined) place(s, svc.node, i, members, nodeNames, errors);
    } else {
      const template = catalog.get(svc.name) ?? null;
      if (!template && !svc.image && svc.enabled) {
        errors.push(
          pending(
            ['services', i, 'image'],
            'required',
            `service "${svc.name}" needs an image (it is not a service of the kit or the catalog)`,
          ),
        );
        return;
      }
      const placement = userPlacement(svc.node);
      if (!placement) return;
      s = template
        ? fromTemplate(template, placement, [], false, spec)
        : fromTemplate(customTemplate(svc), placement, [], false, spec);
      all.push(s);
      byName.set(s.name, s);
    }
    applySpec(s, svc, i);
    errors.push(...swarmSettings(s, svc, i));
    if (!svc.enabled && s.fromKit && s.name === provider) {
      errors.push(
        pending(
          ['services', i, 'enabled'],
          'kit_constraint',
          `${provider} carries the routing of every ${spec.kit} stack and cannot be disabled`,
        ),
      );
      s.enabled = true;
    }
  });

  checkNeeds(all, byName, spec, config, errors);
  const enabled = all.filter((s) => s.enabled);
  decideRoutes(enabled, spec, config, members, errors);
  errors.push(...checkPorts(enabled, config, members));
  errors.push(...checkPlacement(enabled, spec, members));
  const order = dependencyOrder(enabled, errors);
  const subnet = spec.network.internal.subnet ?? kit.defaultSubnet;
  return { model: { spec, kit, config, network, subnet, services: order, members }, errors };
}

/** Swarm placement on one node, by the node label the bootstrap sets (hostnames may differ). */
export function pinned(node: string): string {
  return `node.labels.kombify.node == ${node}`;
}

function customTemplate(svc: ServiceSpec): ServiceTemplate {
  return {
    name: svc.name,
    type: svc.type,
    summary: '',
    image: svc.image ?? '',
    command: null,
    ports: [],
    volumes: [],
    env: {},
    healthcheck: null,
    proxy: null,
  };
}

function fromTemplate(
  t: ServiceTemplate,
  placement: Placement,
  needs: string[],
  fromKit: boolean,
  spec: Spec,
): ModelService {
  const proxyMode = spec.network.access === 'proxy';
  // proxy mode: web UIs are reached through Traefik and publish no host port of their own; Traefik
  // publishes only 80 and 443 (its dashboard gets a host name instead of :8080).
  const ports = t.ports
    .filter((p) => !(proxyMode && t.name === 'traefik' && p.container === 8080))
    .map((p) => ({
      container: p.container,
      host: proxyMode && t.proxy && t.name !== 'traefik' ? null : p.host,
      protocol: p.protocol,
      hostIp: null,
      at: null,
    }));
  return {
    name: t.name,
    fromKit,
    specIndex: null,
    template: t,
    type: t.type,
    image: t.image,
    command: t.command ? [...t.command] : null,
    entrypoint: null,
    user: null,
    ports,
    volumes: t.volumes.map((v) => ({ ...v })),
    env: { ...t.env },
    secrets: {},
    labels: {},
    files: [],
    resources: null,
    aliases: [],
    restart: 'unless-stopped',
    healthcheck: t.healthcheck,
    needs,
    needsFromSpec: false,
    placement,
    publishMode: 'ingress',
    update: null,
    enabled: true,
    proxySpec: null,
    route: null,
  };
}

function applySpec(s: ModelService, svc: ServiceSpec, i: number): void {
  s.specIndex = i;
  if (!s.fromKit || svc.type !== 'custom') s.type = svc.type;
  if (svc.image) s.image = svc.image;
  if (svc.command) s.command = [...svc.command];
  if (svc.entrypoint) s.entrypoint = [...svc.entrypoint];
  if (svc.user) s.user = svc.user;
  if (svc.labels) s.labels = { ...svc.labels };
  if (svc.files) s.files = svc.files.map((f) => ({ ...f }));
  if (svc.resources) s.resources = { cpus: svc.resources.cpus ?? null, memory: svc.resources.memory ?? null };
  if (svc.network?.aliases) s.aliases = [...new Set(svc.network.aliases)];
  if (svc.ports) {
    s.ports = svc.ports.map((p, j) => ({
      container: p.container,
      host: p.host ?? null,
      protocol: p.protocol,
      hostIp: p.hostIp ?? null,
      at: ['services', i, 'ports', j, 'host'],
    }));
  }
  if (svc.volumes) {
    s.volumes = svc.volumes.map((v) => ({
      type: v.type,
      name: v.name,
      source: v.type === 'bind' ? (v.hostPath ?? null) : null,
      target: v.mountPath,
      readOnly: v.readOnly,
    }));
  }
  if (svc.environment) {
    for (const [k, v] of Object.entries(svc.environment)) s.env[k] = String(v);
  }
  if (svc.environmentSecrets) s.secrets = { ...svc.environmentSecrets };
  s.restart = svc.restartPolicy;
  if (svc.healthCheck) {
    const h = svc.healthCheck;
    // NONE (alone) switches off the image's own health check, as in Docker.
    const keep =
      h.command[0] === 'CMD' ||
      h.command[0] === 'CMD-SHELL' ||
      (h.command[0] === 'NONE' && h.command.length === 1);
    s.healthcheck = {
      test: keep ? [...h.command] : ['CMD', ...h.command],
      interval: h.interval,
      timeout: h.timeout,
      retries: h.retries,
      startPeriod: h.startPeriod,
    };
  }
  if (svc.needs) {
    s.needs = [...new Set(svc.needs)];
    s.needsFromSpec = true;
  }
  s.enabled = svc.enabled;
  s.proxySpec = svc.network?.proxy ?? null;
}

/**
 * replicas, placement and update only mean something for a Swarm service; files and host IPs are
 * not carried to Swarm services yet. Either way the spec is told rather than silently ignored.
 */
function swarmSettings(s: ModelService, svc: ServiceSpec, i: number): PendingError[] {
  const errors: PendingError[] = [];
  const p = s.placement;
  const at = (field: string) => ['services', i, field];
  if (p.kind !== 'swarm') {
    const why = `${s.name} runs as a plain container here; it is a Swarm setting (ha-homelab, or a Swarm node)`;
    if (svc.replicas !== undefined && svc.replicas > 1)
      errors.push(pending(at('replicas'), 'kit_constraint', `replicas: ${why}`));
    if (svc.placement?.length) errors.push(pending(at('placement'), 'kit_constraint', `placement: ${why}`));
    if (svc.update) errors.push(pending(at('update'), 'kit_constraint', `update: ${why}`));
    return errors;
  }
  if (svc.replicas !== undefined) {
    if (p.mode === 'replicated') s.placement = { ...p, replicas: svc.replicas };
    else
      errors.push(
        pending(
          at('replicas'),
          'kit_constraint',
          `${s.name} runs on every Swarm node; replicas do not apply`,
        ),
      );
  }
  if (svc.placement?.length) {
    const current = s.placement as Extract<Placement, { kind: 'swarm' }>;
    s.placement = { ...current, constraints: [...new Set([...current.constraints, ...svc.placement])] };
  }
  if (svc.update) {
    const base = s.update ?? rollingUpdate;
    s.update = {
      parallelism: svc.update.parallelism ?? base.parallelism,
      delay: svc.update.delay ?? base.delay,
      failureAction: svc.update.failureAction ?? base.failureAction,
      order: svc.update.order ?? base.order,
      monitor: svc.update.monitor ?? base.monitor,
    };
  }
  if (s.files.length > 0) {
    errors.push(
      pending(
        ['services', i, 'files'],
        'kit_constraint',
        `${s.name} is a Swarm service: files are placed only in plain containers so far`,
      ),
    );
  }
  s.ports.forEach((port, j) => {
    if (port.hostIp !== null) {
      errors.push(
        pending(
          ['services', i, 'ports', j, 'hostIp'],
          'kit_constraint',
          `${s.name} is a Swarm service: Swarm publishes ports on every address, not on ${port.hostIp}`,
        ),
      );
    }
  });
  return errors;
}

/** Moves a kit service to the node the spec names, where the kit's placement allows it. */
function place(
  s: ModelService,
  node: string,
  i: number,
  members: ReadonlySet<string>,
  nodeNames: ReadonlySet<string>,
  errors: PendingError[],
): void {
  if (!nodeNames.has(node)) return; // reported by the raw checks
  const at = ['services', i, 'node'];
  const p = s.placement;
  if (p.kind === 'node') {
    s.placement = { kind: 'node', node };
  } else if (p.kind === 'swarm' && p.mode === 'replicated' && members.has(node)) {
    s.placement = { ...p, replicas: 1, constraints: [pinned(node)] };
  } else if (p.kind === 'swarm' && p.mode === 'replicated') {
    errors.push(pending(at, 'kit_constraint', `${s.name} is a Swarm service; ${node} is not in the Swarm`));
  } else {
    const where =
      p.kind === 'each'
        ? 'on every node'
        : `on ${p.constraints.length > 0 ? 'every manager' : 'every Swarm node'}`;
    errors.push(
      pending(at, 'kit_constraint', `${s.name} runs ${where} in this kit; it cannot be pinned to ${node}`),
    );
  }
}
