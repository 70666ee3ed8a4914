/**
 * Plan → the Swarm jobs of a stack (issue 22): `swarm.init` on the plan's leader, `swarm.join` on
 * the other managers and then the workers (the plan's order), `swarm.services` on the leader with
 * the overlay networks, the members' labels and every Swarm service, and `swarm.verify` on the
 * leader (every member Ready in its role, every service running all its tasks, every published
 * port answering). A plan without a swarm has none of them.
 *
 * Join tokens are never in these params: a join names the token's path in the secret store
 * (`swarmTokenPath`), which the edge fills from the init's result.
 */
import {
  type SwarmJoinParams,
  type SwarmRole,
  type SwarmServiceInput,
  type SwarmServicesInput,
  type SwarmVerifyInput,
  swarmTokenPath,
} from '@kombify/proto/jobs';
import type { Plan, PlanSwarmService, PlanUpdateConfig } from '../unifier/plan.ts';
import { durationSeconds, healthcheck, resources, secretRef } from './to-converge.ts';

export interface SwarmJobs {
  leader: string;
  /** Every member, managers first (the leader leads), then workers. */
  members: { node: string; role: SwarmRole }[];
  init: { node: string; params: { stack: string } };
  joins: { node: string; params: SwarmJoinParams }[];
  services: { node: string; params: SwarmServicesInput };
  verify: { node: string; params: SwarmVerifyInput };
}

function update(u: PlanUpdateConfig): SwarmServiceInput['update'] {
  return {
    parallelism: u.parallelism,
    delay_s: durationSeconds(u.delay),
    failure_action: u.failureAction,
    order: u.order,
    monitor_s: durationSeconds(u.monitor),
  };
}

const userOnly = (labels: Record<string, string>) =>
  Object.fromEntries(Object.entries(labels).filter(([k]) => !k.startsWith('kombify.')));

function service(s: PlanSwarmService): SwarmServiceInput {
  return {
    service: s.service,
    name: s.name,
    image: s.image,
    ...(s.command ? { command: [...s.command] } : {}),
    ...(s.entrypoint ? { entrypoint: [...s.entrypoint] } : {}),
    ...(s.user ? { user: s.user } : {}),
    mode: s.mode,
    ...(s.mode === 'replicated' ? { replicas: s.replicas ?? 1 } : {}),
    constraints: [...s.constraints],
    ports: s.ports
      .filter((p) => p.host !== null)
      .map((p) => ({
        container: p.container,
        host: p.host as number,
        protocol: p.protocol,
        mode: p.publishMode,
      })),
    mounts: s.mounts.map((m) => ({
      type: m.type,
      ...(m.source !== null ? { source: m.source } : {}),
      target: m.target,
      read_only: m.readOnly,
    })),
    env: { ...s.env },
    secret_env: Object.fromEntries(Object.entries(s.secrets).map(([k, v]) => [k, secretRef(v)])),
    labels: userOnly(s.labels),
    container_labels: userOnly(s.containerLabels),
    restart: s.restart,
    ...(s.healthcheck ? { healthcheck: healthcheck(s.healthcheck) } : {}),
    networks: [...s.networks],
    aliases: [...s.aliases],
    ...(s.resources ? resources(s.resources) : {}),
    logging: { driver: s.logging.driver, options: { ...s.logging.options } },
    update: update(s.update),
  };
}

/** The Swarm jobs of a plan, or null when the plan forms no swarm. */
export function toSwarmJobs(
  plan: Plan,
  options: { stack?: string; timeout_s?: number } = {},
): SwarmJobs | null {
  const swarm = plan.swarm;
  if (!swarm) return null;
  const stack = options.stack ?? plan.stack.name;
  const managers = [swarm.leader, ...swarm.managers.filter((m) => m !== swarm.leader)];
  const members = [
    ...managers.map((node) => ({ node, role: 'manager' as const })),
    ...swarm.workers.map((node) => ({ node, role: 'worker' as const })),
  ];
  const labels = new Map(plan.nodes.map((n) => [n.name, n.labels]));
  const services = swarm.services.map(service);
  const secrets = [...new Set(services.flatMap((s) => Object.values(s.secret_env ?? {})))].sort();
  return {
    leader: swarm.leader,
    members,
    init: { node: swarm.leader, params: { stack } },
    joins: members
      .filter((m) => m.node !== swarm.leader)
      .map((m) => ({
        node: m.node,
        params: { stack, role: m.role, secrets: [swarmTokenPath(stack, m.role)] },
      })),
    services: {
      node: swarm.leader,
      params: {
        stack,
        members: members.map((m) => ({ ...m, labels: { ...(labels.get(m.node) ?? {}) } })),
        networks: [
          {
            name: swarm.network.name,
            ...(swarm.network.subnet ? { subnet: swarm.network.subnet } : {}),
            attachable: swarm.network.attachable,
          },
        ],
        services,
        secrets,
        prune: true,
        timeout_s: options.timeout_s ?? 300,
      },
    },
    verify: {
      node: swarm.leader,
      params: {
        stack,
        managers: managers.length,
        workers: swarm.workers.length,
        services: services.map((s) => ({
          service: s.service,
          name: s.name,
          ports: (s.ports ?? []).map((p) => ({ port: p.host, protocol: p.protocol ?? 'tcp' })),
        })),
        timeout_s: options.timeout_s ?? 120,
      },
    },
  };
}
