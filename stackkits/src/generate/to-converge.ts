/**
 * Plan → the agent's `stack.converge` params per node (ORCH-CONTRACT.md), and the `stack.verify`
 * checks of each node's published ports.
 *
 * Applied: bridge networks, named volumes, containers with image, command, env, published ports,
 * mounts, labels (not `kombify.*`: the agent sets those), restart policy, health check, networks
 * and the files placed in them (Traefik dynamic config, the Caddyfile, Headscale config; each with
 * the SHA-256 of its content, so a changed file re-creates only the containers that mount it), in
 * dependency order. Not applied yet, listed per node in `notApplied`: env values and files from
 * secrets (`secret://…`; the job does not carry them yet), the log driver options, network subnets
 * and attachable flags (Docker picks a free subnet, which avoids clashes on shared hosts), and
 * Swarm services and overlay networks (no job type; OpenTofu applies them).
 *
 * Images: the plan's images are used as they are; give `resolve(spec, { images })` (or the spec's
 * own `services[].image`) to run other ones, e.g. locally built images in tests.
 */
import type { ConvergeService, StackConvergeParams, StackVerifyParams } from '@kombify/proto/jobs';
import { catalog } from '../../platforms/docker/index.ts';
import type { Plan, PlanContainer, PlanFile, PlanHealthCheck, PlanNode } from '../unifier/plan.ts';
import { sha256Hex } from './sha256.ts';

export interface ConvergeJob {
  node: string;
  params: StackConvergeParams;
  /** Parts of this node's desired state the converge job does not apply yet. */
  notApplied: string[];
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

function healthcheck(h: PlanHealthCheck): NonNullable<ConvergeService['healthcheck']> {
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

type ConvergeFile = NonNullable<ConvergeService['files']>[number];

/** Files with content; a secret file waits for secret delivery (see notApplied). */
function convergeFiles(files: readonly PlanFile[]): ConvergeFile[] {
  return files
    .filter((f) => f.secret === null)
    .map((f) => ({ path: f.path, content: f.content, sha256: sha256Hex(f.content) }));
}

function service(c: PlanContainer, networks: ReadonlySet<string>): ConvergeService {
  const labels = Object.fromEntries(Object.entries(c.labels).filter(([k]) => !k.startsWith('kombify.')));
  const ports = c.ports.filter((p) => p.host !== null);
  const attached = c.networks.filter((n) => networks.has(n));
  const files = convergeFiles(c.files);
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
    ...(files.length > 0 ? { files } : {}),
  };
}

function notApplied(node: PlanNode, swarmServices: string[]): string[] {
  const out = new Set<string>();
  for (const c of node.containers) {
    if (Object.keys(c.secrets).length > 0)
      out.add(`secrets: ${c.service} env ${Object.keys(c.secrets).join(', ')}`);
    const secretFiles = c.files.filter((f) => f.secret !== null);
    if (secretFiles.length > 0)
      out.add(`secret files: ${c.service} ${secretFiles.map((f) => f.path).join(', ')}`);
    const unsupported = [
      c.entrypoint ? 'entrypoint' : '',
      c.user ? 'user' : '',
      c.aliases.length > 0 ? 'network aliases' : '',
      c.resources ? 'resource limits' : '',
    ].filter(Boolean);
    if (unsupported.length > 0) out.add(`${unsupported.join(', ')}: ${c.service}`);
  }
  for (const n of node.networks) {
    if (n.driver === 'overlay') out.add(`overlay network ${n.name}`);
    else if (n.subnet) out.add(`subnet ${n.subnet} of ${n.name} (Docker picks one)`);
  }
  const bridges = new Set(node.networks.filter((n) => n.driver === 'bridge').map((n) => n.name));
  for (const c of node.containers) {
    const missing = c.networks.filter((n) => !bridges.has(n));
    // A Swarm overlay made elsewhere (on the leader): the container runs on Docker's default network.
    if (missing.length > 0) out.add(`networks: ${c.service} not attached to ${missing.join(', ')}`);
  }
  if (node.containers.length > 0) out.add('logging options (Docker default log driver)');
  for (const s of swarmServices) out.add(`swarm service ${s}`);
  return [...out];
}

/** One `stack.converge` job per node that runs containers, in the plan's node order. */
export function toConvergeJobs(plan: Plan, options: ConvergeOptions = {}): ConvergeJob[] {
  const stack = options.stack ?? plan.stack.name;
  const swarmServices = (plan.swarm?.services ?? []).map((s) => s.service);
  return plan.nodes
    .filter((node) => node.containers.length > 0)
    .map((node) => {
      const bridges = node.networks.filter((n) => n.driver === 'bridge');
      const names = new Set(bridges.map((n) => n.name));
      return {
        node: node.name,
        params: {
          stack,
          node: node.name,
          networks: bridges.map((n) => ({ name: n.name })),
          volumes: node.volumes.map((v) => ({ name: v.name })),
          services: node.containers.map((c) => service(c, names)),
          secrets: [],
          pull: 'missing',
          remove_orphans: true,
          dry_run: false,
        },
        notApplied: notApplied(node, node.name === plan.swarm?.leader ? swarmServices : []),
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

/** The `stack.verify` checks per node: one per published TCP port, run by that node's agent. */
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
    if (checks.length > 0) out.push({ node: node.name, params: { checks } });
  }
  return out;
}
