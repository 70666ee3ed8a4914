/**
 * resolve(spec) → Plan: the kit's and the spec's services laid out per node with their networks,
 * volumes, routes, bootstrap and dependency order. Deterministic: nodes in spec order, services in
 * dependency order, maps with sorted keys, no clocks and no randomness.
 */
import { bootstrapSteps, type FirewallRule, firewallRules } from '../../base/index.ts';
import { catalog } from '../../platforms/docker/catalog.ts';
import {
  caddyfile,
  caddyfilePath,
  caddyTls,
  dynamicConfig,
  headscaleConfig,
  headscaleConfigPath,
  rollingUpdate,
  rotationRecipe,
  swarmFirewall,
  traefikCommand,
  traefikDynamicFile,
  vpnFirewall,
} from '../../platforms/docker/index.ts';
import type { NodeSpec, Spec } from '../spec/defaults.ts';
import { formatPath, type SpecError } from '../spec/errors.ts';
import { checkImageOptions, chooseImage, type ImageOptions } from './images.ts';
import { buildModel } from './model.ts';
import type { Model, ModelService } from './model-types.ts';
import {
  type Plan,
  type PlanFile,
  type PlanNode,
  type PlanNote,
  type PlanRoute,
  planFormat,
} from './plan.ts';
import { sorted, toContainer, toSwarmService } from './plan-services.ts';
import { nodesOf } from './port-conflicts.ts';
import { ingressNode, proxyService } from './routes.ts';

export interface ResolveOptions extends ImageOptions {
  /**
   * How Caddy (network.proxy.provider caddy) secures `tls: auto` routes. `auto` (default): ACME
   * for public names, its internal CA for LAN names and IPs. `internal`: its internal CA for every
   * route — for a stack that no ACME server can reach, like a simulation on one machine. The spec
   * does not say where it runs, so the caller does. Traefik ignores it.
   */
  proxyTls?: 'auto' | 'internal';
}

function checkResolveOptions(options: ResolveOptions): void {
  checkImageOptions(options);
  if (options.proxyTls !== undefined && options.proxyTls !== 'auto' && options.proxyTls !== 'internal') {
    throw new TypeError(`options.proxyTls must be auto or internal, not ${String(options.proxyTls)}`);
  }
}

/** Thrown by {@link resolve} for a spec that does not validate; `errors` are the validation errors. */
export class UnifierError extends Error {
  readonly errors: SpecError[];
  constructor(errors: SpecError[]) {
    super(`the spec is not valid: ${errors.map((e) => `${e.path || '(spec)'}: ${e.message}`).join('; ')}`);
    this.name = 'UnifierError';
    this.errors = errors;
  }
}

/**
 * Resolves a validated spec (from parseSpec/validateSpec) into a plan. Throws {@link UnifierError}
 * if the spec breaks a rule (only possible for a spec that skipped validation), and TypeError for
 * malformed options.
 */
export function resolve(spec: Spec, options: ResolveOptions = {}): Plan {
  checkResolveOptions(options);
  const { model, errors } = buildModel(spec);
  if (!model || errors.length > 0) {
    throw new UnifierError(
      errors.map((e) => ({ path: formatPath(e.path), code: e.code, message: e.message })),
    );
  }
  return buildPlan(model, options);
}

const tcpTypes = new Set(['database', 'cache', 'queue']);

function buildPlan(model: Model, options: ResolveOptions): Plan {
  const { spec, config, network, subnet, members } = model;
  const swarm = config.topology.swarm;
  const address = new Map(spec.nodes.map((n) => [n.name, n.ssh?.host ?? n.name]));
  const leader = swarm?.leader ?? config.topology.primary;
  const ingress = ingressNode(model.services, spec, config);
  const proxy = proxyService(model.services, spec);
  // Nodes whose proxy serves the routes: every manager in ha-homelab, else the ingress node.
  const routeNodes = new Set(proxy?.placement.kind === 'swarm' ? nodesOf(proxy, members, config) : [ingress]);
  const managers = new Set(swarm?.managers ?? []);
  const workers = new Set(swarm?.workers ?? []);
  const nodes = new Map<string, PlanNode>(
    spec.nodes.map((n) => [
      n.name,
      emptyNode(n, managers.has(n.name) ? 'manager' : workers.has(n.name) ? 'worker' : null),
    ]),
  );
  const routes: PlanRoute[] = [];
  for (const s of model.services) {
    if (!s.route) continue;
    const p = s.placement;
    const node = p.kind === 'node' ? p.node : null;
    routes.push({ ...s.route, node });
  }
  const urlRoutes = routes.filter((r) => r.upstream.kind === 'url');
  const routeOf = new Map(routes.map((r) => [r.service, r]));
  const urlOf = (s: ModelService): string | null => {
    if (s.route) return s.route.url;
    if (s.placement.kind === 'each') return null;
    const webPort = catalog.has(s.name) ? s.template?.proxy?.port : undefined;
    const port = s.ports.find((p) => p.host !== null && (webPort === undefined || p.container === webPort));
    if (!port) return null;
    const node = s.placement.kind === 'node' ? s.placement.node : leader;
    const scheme = !catalog.has(s.name) && tcpTypes.has(s.type) ? 'tcp' : 'http';
    return `${scheme}://${hostForUrl(address.get(node) ?? node)}:${port.host}`;
  };
  const headscale = model.services.find((s) => s.name === 'headscale');
  const loginServer = headscale ? urlOf(headscale) : null;

  const swarmServices = [];
  const outputs = [];
  for (const s of model.services) {
    const files: PlanFile[] = [];
    let command = s.command;
    if (s.name === 'traefik' && s.fromKit) {
      command ??= traefikCommand({
        access: spec.network.access,
        provider: config.topology.swarmServices ? 'swarm' : 'docker',
        network,
        fileProvider: urlRoutes.length > 0,
        email: spec.network.proxy.email ?? null,
      });
      if (urlRoutes.length > 0)
        files.push({ path: traefikDynamicFile, content: dynamicConfig(urlRoutes), secret: null });
    }
    if (s.name === 'caddy' && s === proxy) {
      files.push({
        path: caddyfilePath,
        content: caddyfile(routes, {
          email: spec.network.proxy.email ?? null,
          internalTls: options.proxyTls === 'internal',
        }),
        secret: null,
      });
    }
    if (s.name === 'headscale' && s.fromKit && loginServer) {
      files.push({
        path: headscaleConfigPath,
        content: headscaleConfig({
          serverUrl: loginServer,
          baseDomain: `${spec.name}.tailnet`,
          dnsServers: spec.network.dns.servers,
        }),
        secret: null,
      });
    }
    const route = routeOf.get(s.name) ?? null;
    const inputs = {
      spec,
      network,
      image: chooseImage(s.name, s.image, options, spec.system.registryMirror),
      command,
      route,
      files,
    };
    if (s.placement.kind === 'swarm') swarmServices.push(toSwarmService(s, inputs));
    else if (s.placement.kind === 'each') {
      for (const node of s.placement.nodes) nodes.get(node)?.containers.push(toContainer(s, node, inputs));
    } else nodes.get(s.placement.node)?.containers.push(toContainer(s, null, inputs));
    const url = urlOf(s);
    if (url) outputs.push({ service: s.name, url });
  }

  for (const node of nodes.values()) {
    node.routes = routeNodes.has(node.name) ? routes : [];
    addNetworksAndVolumes(node, model);
  }
  if (swarm)
    nodes.get(swarm.leader)?.networks.push({ name: network, driver: 'overlay', subnet, attachable: true });

  const ingressPorts: FirewallRule[] = [];
  const hostModePorts = new Map<string, FirewallRule[]>();
  for (const svc of model.services) {
    if (svc.placement.kind !== 'swarm') continue;
    const rules = svc.ports
      .filter((p) => p.host !== null)
      .map((p) => ({ port: p.host as number, protocol: p.protocol, reason: svc.name }));
    if (svc.publishMode === 'ingress') ingressPorts.push(...rules);
    else {
      for (const n of nodesOf(svc, members, config)) {
        const list = hostModePorts.get(n);
        if (list) list.push(...rules);
        else hostModePorts.set(n, [...rules]);
      }
    }
  }
  const swarmVolumes = swarmVolumesByNode(model);
  for (const n of spec.nodes) {
    const node = nodes.get(n.name)!;
    const role = node.swarmRole;
    const allow: FirewallRule[] = node.containers.flatMap((c) =>
      c.ports
        .filter((p) => p.host !== null)
        .map((p) => ({ port: p.host as number, protocol: p.protocol, reason: c.service })),
    );
    if (role) allow.push(...swarmFirewall(role), ...(hostModePorts.get(n.name) ?? []));
    const vpn = spec.network.vpn;
    if (vpn !== 'none') allow.push(vpnFirewall[vpn]);
    node.bootstrap = bootstrapSteps({
      node: n,
      spec,
      allow,
      openSwarmIngress: role !== null && ingressPorts.length > 0,
      vpn: vpn === 'none' ? null : { provider: vpn, loginServer: vpn === 'headscale' ? loginServer : null },
      swarm:
        role && swarm
          ? {
              role,
              action: n.name === swarm.leader ? 'init' : 'join',
              leader: swarm.leader,
              // Over a VPN, Swarm traffic must use the VPN interface: other nodes may not reach the LAN address.
              advertiseAddress:
                vpn === 'none' ? (address.get(n.name) ?? n.name) : vpn === 'wireguard' ? 'wg0' : 'tailscale0',
            }
          : null,
      backupVolumes: [
        ...new Set([...node.volumes.map((v) => v.name), ...(swarmVolumes.get(n.name) ?? [])]),
      ].sort(),
    });
  }

  return {
    format: planFormat,
    stack: {
      name: spec.name,
      version: spec.version,
      kit: spec.kit,
      kitSelection: spec.kitSelection,
      variant: config.variant,
      computeTier: config.tier,
      access: spec.network.access,
      domain: spec.network.domain,
      timezone: spec.system.timezone,
    },
    notes: [...notes(spec, model), ...caddyNotes(spec, routes, options)],
    order: model.services.map((s) => s.name),
    nodes: [...nodes.values()],
    swarm: swarm
      ? {
          leader: swarm.leader,
          managers: [...swarm.managers],
          workers: [...swarm.workers],
          network: { name: network, driver: 'overlay', subnet, attachable: true },
          update: rollingUpdate,
          ingressPorts: firewallRules(ingressPorts),
          services: swarmServices,
        }
      : null,
    outputs,
  };
}

function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function emptyNode(n: NodeSpec, role: 'manager' | 'worker' | null): PlanNode {
  return {
    name: n.name,
    type: n.type,
    provider: n.provider,
    os: n.os,
    address: n.ssh?.host ?? n.name,
    ssh: n.ssh ? { host: n.ssh.host, port: n.ssh.port, user: n.ssh.user, keyPath: n.ssh.key_path } : null,
    dockerHost: n.ssh
      ? `ssh://${n.ssh.user}@${hostForUrl(n.ssh.host)}:${n.ssh.port}`
      : 'unix:///var/run/docker.sock',
    resources: { ...n.resources },
    labels: sorted(n.labels),
    taints: [...n.taints],
    swarmRole: role,
    bootstrap: [],
    networks: [],
    volumes: [],
    containers: [],
    routes: [],
  };
}

function addNetworksAndVolumes(node: PlanNode, model: Model): void {
  if (node.containers.length === 0) return;
  // Swarm members use the overlay network (created on the leader); others get a local bridge.
  if (!node.swarmRole) {
    node.networks.push({
      name: model.network,
      driver: 'bridge',
      // Only a subnet the spec gives: the kit's default would clash with another stack on the same
      // engine, so without one Docker picks a free subnet.
      subnet: model.config.topology.swarm ? null : (model.spec.network.internal.subnet ?? null),
      attachable: false,
    });
  }
  const seen = new Set<string>();
  for (const c of node.containers) {
    for (const m of c.volumes) {
      if (m.type !== 'volume' || m.source === null || seen.has(m.source)) continue;
      seen.add(m.source);
      node.volumes.push({ name: m.source, service: c.service });
    }
  }
}

function swarmVolumesByNode(model: Model): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of model.services) {
    if (s.placement.kind !== 'swarm') continue;
    const names = s.volumes.filter((v) => v.type === 'volume').map((v) => `${model.spec.name}-${v.name}`);
    if (names.length === 0) continue;
    for (const n of nodesOf(s, model.members, model.config)) {
      const list = out.get(n);
      if (list) list.push(...names);
      else out.set(n, [...names]);
    }
  }
  return out;
}

/** Hosts Caddy signs with its own CA: browsers warn until its root certificate is trusted. */
function caddyNotes(spec: Spec, routes: readonly PlanRoute[], options: ResolveOptions): PlanNote[] {
  if (spec.network.proxy.provider !== 'caddy') return [];
  const internal = routes.filter((r) => caddyTls(r, options.proxyTls === 'internal') === 'internal');
  if (internal.length === 0) return [];
  return [
    {
      code: 'proxy_internal_ca',
      message: `caddy signs ${internal.map((r) => r.host).join(', ')} with its own CA (${options.proxyTls === 'internal' ? 'proxyTls internal' : 'no public CA issues for these names'}): clients trust them once its root certificate, /data/caddy/pki/authorities/local/root.crt in the caddy-data volume, is installed`,
    },
  ];
}

function notes(spec: Spec, model: Model): PlanNote[] {
  const out: PlanNote[] = [];
  if (spec.kitSelection === 'auto') {
    out.push({
      code: 'kit_auto_selected',
      message: `kit ${spec.kit} chosen automatically: ${spec.kitReason}`,
    });
  }
  out.push(...model.config.notes);
  const noSsh = spec.nodes.filter((n) => !n.ssh).map((n) => n.name);
  if (spec.nodes.length > 1 && noSsh.length > 0) {
    out.push({
      code: 'no_ssh',
      message: `${noSsh.join(', ')} ${noSsh.length === 1 ? 'has' : 'have'} no ssh: OpenTofu reaches ${noSsh.length === 1 ? 'it' : 'them'} through the local Docker socket, which is only right on the machine OpenTofu runs on; add ssh or deploy with the job plan`,
    });
  }
  const secrets = model.services
    .filter((s) => Object.keys(s.secrets).length > 0 || s.files.some((f) => f.secret !== undefined))
    .map((s) => s.name);
  if (secrets.length > 0) {
    out.push({
      code: 'secrets',
      message: `${secrets.join(', ')} read secrets (secret://…): a deploy delivers them from the org's secret store, so set each one first (stackkit secret set, or Settings → Secrets); OpenTofu takes them as sensitive variables`,
    });
  }
  // A database whose image reads its password only on first start, with no recipe to apply a new one.
  const manual = model.services.filter(
    (s) => s.type === 'database' && Object.keys(s.secrets).length > 0 && !rotationRecipe(s.image, s.secrets),
  );
  if (manual.length > 0) {
    out.push({
      code: 'secret_rotation_manual',
      message: `${manual.map((s) => s.name).join(', ')}: rotating ${manual.length === 1 ? 'its' : 'their'} secrets re-creates the container, but the image reads them only when its data is first initialised; change the password in the database too (kombify applies rotated passwords itself for PostgreSQL only)`,
    });
  }
  return out;
}
