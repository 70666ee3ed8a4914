/**
 * Plan → the agent's `stack.converge` params per node (ORCH-CONTRACT.md), and the `stack.verify`
 * checks of each node's published ports.
 *
 * Applied: bridge networks (with the spec's subnet when it gives one), named volumes, containers
 * with image, command, entrypoint, user, env, secret env (references only: `secret_env` maps a
 * variable to a secret path, the agent fetches the value for the job), published ports, mounts,
 * files placed in the container (plain content or a secret), labels (not `kombify.*`: the agent
 * sets those), restart policy, health check, networks and aliases, resource limits and log
 * options, in dependency order. The job's `secrets` lists every secret path its services use.
 *
 * Not a converge job's part: Swarm services and overlay networks, which the leader's
 * `swarm.services` job applies (to-swarm.ts). What a node's converge still cannot do is listed in
 * `unsupported`: a plain container attached to an overlay network.
 *
 * Images: the plan's images are used as they are; give `resolve(spec, { images })` (or the spec's
 * own `services[].image`) to run other ones, e.g. locally built images in tests.
 */
import type {
  ConvergeFile,
  ConvergeService,
  StackConvergeParams,
  StackVerifyParams,
} from '@kombify/proto/jobs';
import { catalog, rotationRecipe } from '../../platforms/docker/index.ts';
import type {
  Plan,
  PlanContainer,
  PlanFile,
  PlanHealthCheck,
  PlanNode,
  PlanResources,
} from '../unifier/plan.ts';

export interface ConvergeJob {
  node: string;
  params: StackConvergeParams;
  /** Parts of this node's desired state a converge job cannot apply (a container on an overlay). */
  unsupported: string[];
}

export interface ConvergeOptions {
  /** The stack id the agent labels everything with; default the spec's name. */
  stack?: string;
}

const durationUnits: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** `10s` / `500ms` / `2m` (the spec's duration format) → seconds. */
export function durationSeconds(duration: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(duration);
  if (!match) throw new Error(`not a duration: ${duration}`);
  return Number(match[1]) * (durationUnits[match[2] as string] as number);
}

export function healthcheck(h: PlanHealthCheck): NonNullable<ConvergeService['healthcheck']> {
  const interval = durationSeconds(h.interval);
  const timeout = durationSeconds(h.timeout);
  return {
    test: [...h.test],
    // Docker refuses intervals and timeouts under 1 ms; 0 means "Docker's default".
    ...(interval > 0 ? { interval_s: interval } : {}),
    ...(timeout > 0 ? { timeout_s: timeout } : {}),
    retries: h.retries,
    start_period_s: durationSeconds(h.startPeriod),
  };
}

function service(c: PlanContainer, networks: ReadonlySet<string>): ConvergeService {
  const labels = Object.fromEntries(Object.entries(c.labels).filter(([k]) => !k.startsWith('kombify.')));
  const ports = c.ports.filter((p) => p.host !== null);
  const attached = c.networks.filter((n) => networks.has(n));
  return {
    service: c.service,
    name: c.name,
    image: c.image,
    ...(c.command ? { command: [...c.command] } : {}),
    ...(Object.keys(c.env).length > 0 ? { env: { ...c.env } } : {}),
    ...(ports.length > 0
      ? {
          ports: ports.map((p) => ({
            container: p.container,
            host: p.host as number,
            protocol: p.protocol,
            ...(p.hostIp ? { host_ip: p.hostIp } : {}),
          })),
        }
      : {}),
    ...(c.volumes.length > 0
      ? {
          mounts: c.volumes.map((m) => ({
            type: m.type,
            ...(m.source !== null ? { source: m.source } : {}),
            target: m.target,
            read_only: m.readOnly,
          })),
        }
      : {}),
    ...(Object.keys(labels).length > 0 ? { labels } : {}),
    restart: c.restart,
    ...(c.healthcheck ? { healthcheck: healthcheck(c.healthcheck) } : {}),
    ...(attached.length > 0 ? { networks: attached } : {}),
    ...(c.entrypoint ? { entrypoint: [...c.entrypoint] } : {}),
    ...(c.user ? { user: c.user } : {}),
    ...(c.aliases.length > 0 && attached.length > 0 ? { aliases: [...c.aliases] } : {}),
    ...(c.resources ? resources(c.resources) : {}),
    ...(Object.keys(c.secrets).length > 0
      ? { secret_env: Object.fromEntries(Object.entries(c.secrets).map(([k, v]) => [k, secretRef(v)])) }
      : {}),
    ...(c.files.length > 0 ? { files: c.files.map(file) } : {}),
    logging: { driver: c.logging.driver, options: { ...c.logging.options } },
    ...rotation(c),
  };
}

/** How the service takes a rotated secret, when its image reads it only on first start. */
function rotation(c: PlanContainer): Pick<ConvergeService, 'apply_secrets'> {
  const recipe = rotationRecipe(c.image, c.secrets);
  return recipe ? { apply_secrets: { exec: [...recipe.exec], timeout_s: recipe.timeout_s } } : {};
}

/** `secret://postgres/password` → `postgres/password` (the plan holds references, never values). */
export function secretRef(ref: string): string {
  return ref.startsWith('secret://') ? ref.slice('secret://'.length) : ref;
}

function file(f: PlanFile): ConvergeFile {
  return f.secret !== null
    ? { path: f.path, secret: secretRef(f.secret) }
    : { path: f.path, content: f.content };
}

const sizeUnits: Record<string, number> = { '': 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** A size like `512Mi` → bytes (the spec's size format; validated when the spec was read). */
export function sizeBytes(size: string): number {
  const match = /^(\d+)(Ki|Mi|Gi|Ti)?$/.exec(size);
  if (!match) throw new Error(`not a size: ${size}`);
  return Number(match[1]) * (sizeUnits[match[2] ?? ''] as number);
}

export function resources(r: PlanResources): Pick<ConvergeService, 'resources'> {
  const out: NonNullable<ConvergeService['resources']> = {
    ...(r.cpus !== null ? { nano_cpus: Math.round(r.cpus * 1e9) } : {}),
    ...(r.memory !== null ? { memory_bytes: sizeBytes(r.memory) } : {}),
  };
  return Object.keys(out).length > 0 ? { resources: out } : {};
}

/** Every secret path a node's services use, once each, sorted. */
function secretPaths(services: readonly ConvergeService[]): string[] {
  const paths = new Set<string>();
  for (const s of services) {
    for (const p of Object.values(s.secret_env ?? {})) paths.add(p);
    for (const f of s.files ?? []) if (f.secret) paths.add(f.secret);
  }
  return [...paths].sort();
}

function unsupported(node: PlanNode): string[] {
  const out = new Set<string>();
  const bridges = new Set(node.networks.filter((n) => n.driver === 'bridge').map((n) => n.name));
  for (const c of node.containers) {
    const missing = c.networks.filter((n) => !bridges.has(n));
    // A Swarm overlay made elsewhere (on the leader): the container runs on Docker's default network.
    if (missing.length > 0) out.add(`networks: ${c.service} not attached to ${missing.join(', ')}`);
  }
  return [...out];
}

/** One `stack.converge` job per node that runs containers, in the plan's node order. */
export function toConvergeJobs(plan: Plan, options: ConvergeOptions = {}): ConvergeJob[] {
  const stack = options.stack ?? plan.stack.name;
  return plan.nodes
    .filter((node) => node.containers.length > 0)
    .map((node) => {
      const bridges = node.networks.filter((n) => n.driver === 'bridge');
      const names = new Set(bridges.map((n) => n.name));
      const services = node.containers.map((c) => service(c, names));
      return {
        node: node.name,
        params: {
          stack,
          node: node.name,
          networks: bridges.map((n) => ({ name: n.name, ...(n.subnet ? { subnet: n.subnet } : {}) })),
          volumes: node.volumes.map((v) => ({ name: v.name })),
          services,
          secrets: secretPaths(services),
          pull: 'missing',
          remove_orphans: true,
          dry_run: false,
        },
        unsupported: unsupported(node),
      };
    });
}

type VerifyCheck = StackVerifyParams['checks'][number];

/**
 * Whether a container port speaks plain HTTP: it is the port a route forwards to, or the web port
 * the catalog gives for that service (e.g. traefik 8080, dozzle 8080, portainer 9000). Anything
 * else — TLS ports, databases, unknown user services — gets a TCP connect check.
 */
function isHttp(node: PlanNode, c: PlanContainer, containerPort: number): boolean {
  if (node.routes.some((r) => r.service === c.service && r.port === containerPort)) return true;
  const template = catalog.get(c.service);
  return template?.proxy?.port === containerPort;
}

/** The node's reverse proxy (Traefik or Caddy) and the host port it serves HTTPS on, if any. */
function proxyHttpsPort(node: PlanNode): number | null {
  const proxy = node.containers.find((c) => c.service === 'traefik' || c.service === 'caddy');
  const https = proxy?.ports.find((p) => p.container === 443 && p.protocol === 'tcp' && p.host !== null);
  return https?.host ?? null;
}

/** One `https` check per TLS route the node's proxy serves: SNI = the route's host. */
function routeChecks(node: PlanNode, options: { timeout_s?: number; interval_s?: number }): VerifyCheck[] {
  const port = proxyHttpsPort(node);
  if (port === null) return [];
  return node.routes
    .filter((r) => r.tls !== 'disabled' && r.entrypoint === 'websecure')
    .map((r) => ({
      service: r.service,
      kind: 'https' as const,
      host: '127.0.0.1',
      port,
      path: '/',
      sni: r.host,
      timeout_s: options.timeout_s ?? 30,
      interval_s: options.interval_s ?? 1,
    }));
}

/**
 * The `stack.verify` checks per node, run by that node's agent: one per published TCP port, and
 * one real HTTPS request per TLS route of the node's proxy (right certificate, backend answers).
 */
export function toVerifyChecks(
  plan: Plan,
  options: { timeout_s?: number; interval_s?: number } = {},
): { node: string; params: StackVerifyParams }[] {
  const out: { node: string; params: StackVerifyParams }[] = [];
  for (const node of plan.nodes) {
    const checks: VerifyCheck[] = [];
    for (const c of node.containers) {
      for (const p of c.ports) {
        if (p.host === null || p.protocol !== 'tcp') continue;
        checks.push({
          service: c.service,
          kind: isHttp(node, c, p.container) ? 'http' : 'tcp',
          host: '127.0.0.1',
          port: p.host,
          path: '/',
          timeout_s: options.timeout_s ?? 30,
          interval_s: options.interval_s ?? 1,
        });
      }
    }
    checks.push(...routeChecks(node, options));
    if (checks.length > 0) out.push({ node: node.name, params: { checks } });
  }
  return out;
}
