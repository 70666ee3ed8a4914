/**
 * Plan → the ordered jobs an agent runs directly, in the agent's existing job format
 * (`@kombify/proto/jobs`: `docker.run` with image, name, command, env, ports, labels).
 *
 * docker.run cannot yet express everything the plan wants, so each job lists what it leaves out
 * (`notApplied`); the plan and the OpenTofu artifacts carry the full desired state. Labels under
 * `kombify.` are reserved by the job format (the agent sets kombify.managed and kombify.job itself),
 * so kombify.stack and kombify.service are not passed. Swarm services are not docker.run jobs and
 * are listed under `skipped` (a stack deploy applies them with `swarm.services`, to-swarm.ts).
 */
import type { DockerRunParams } from '@kombify/proto/jobs';
import type { Plan, PlanContainer } from '../unifier/plan.ts';

export const jobPlanFormat = 'kombify.jobplan/v1';

/** docker.run params as the job format takes them (before its defaults are applied). */
export type DockerRunJobParams = Omit<DockerRunParams, 'ports'> & {
  ports?: { container: number; host: number; protocol: 'tcp' | 'udp' }[];
};

export interface AgentJob {
  /** `<node>/<service>`: unique in the plan. */
  id: string;
  node: string;
  service: string;
  type: 'docker.run';
  params: DockerRunJobParams;
  /** Jobs that must have succeeded first (from `needs`). */
  after: string[];
  /** Parts of the container's desired state docker.run cannot apply yet. */
  notApplied: string[];
}

export interface JobPlan {
  format: typeof jobPlanFormat;
  stack: string;
  kit: string;
  /** In dependency order: run them top to bottom. */
  jobs: AgentJob[];
  skipped: { service: string; reason: string }[];
}

export function toJobPlan(plan: Plan): JobPlan {
  const byService = new Map<string, { node: string; container: PlanContainer }[]>();
  for (const node of plan.nodes) {
    for (const container of node.containers) {
      const list = byService.get(container.service);
      if (list) list.push({ node: node.name, container });
      else byService.set(container.service, [{ node: node.name, container }]);
    }
  }
  const jobs: AgentJob[] = [];
  const idsOf = new Map<string, string[]>();
  for (const service of plan.order) {
    for (const { node, container } of byService.get(service) ?? []) {
      const id = `${node}/${service}`;
      jobs.push({
        id,
        node,
        service,
        type: 'docker.run',
        params: params(container),
        after: container.needs.flatMap((n) => idsOf.get(n) ?? []),
        notApplied: notApplied(container),
      });
      const ids = idsOf.get(service);
      if (ids) ids.push(id);
      else idsOf.set(service, [id]);
    }
  }
  return {
    format: jobPlanFormat,
    stack: plan.stack.name,
    kit: plan.stack.kit,
    jobs,
    skipped: (plan.swarm?.services ?? []).map((s) => ({
      service: s.service,
      reason:
        'Swarm service: not a docker.run job; a stack deploy applies it on the leader with swarm.services (or apply it with OpenTofu)',
    })),
  };
}

function params(c: PlanContainer): DockerRunJobParams {
  const out: DockerRunJobParams = { image: c.image, name: c.name };
  if (c.command) out.command = [...c.command];
  if (Object.keys(c.env).length > 0) out.env = { ...c.env };
  const ports = c.ports.filter((p) => p.host !== null);
  if (ports.length > 0) {
    out.ports = ports.map((p) => ({
      container: p.container,
      host: p.host as number,
      protocol: p.protocol,
      ...(p.hostIp ? { host_ip: p.hostIp } : {}),
    }));
  }
  const labels = Object.fromEntries(Object.entries(c.labels).filter(([k]) => !k.startsWith('kombify.')));
  if (Object.keys(labels).length > 0) out.labels = labels;
  return out;
}

function notApplied(c: PlanContainer): string[] {
  const out: string[] = [];
  if (c.volumes.length > 0) out.push('volumes');
  if (c.networks.length > 0) out.push('networks');
  if (c.restart !== 'no') out.push('restart');
  if (c.healthcheck) out.push('healthcheck');
  if (Object.keys(c.secrets).length > 0) out.push('secrets');
  if (c.files.length > 0) out.push('files');
  if (c.entrypoint) out.push('entrypoint');
  if (c.user) out.push('user');
  if (c.aliases.length > 0) out.push('aliases');
  if (c.resources) out.push('resources');
  out.push('logging', 'labels:kombify.stack,kombify.service');
  return out;
}
