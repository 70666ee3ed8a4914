/**
 * The generate step: a resolved plan → the jobs a workflow dispatches (stack.converge per node,
 * stack.verify checks from published ports, node.prechecks for the ports a node must bind).
 *
 * The Plan → converge mapping belongs to stackkits (`toConvergeJobs`/`toVerifyChecks`, written on
 * the orch-agent branch); until that is merged this file carries the same mapping, in this one
 * place, so switching is a two-line change.
 */
import type { Plan, PlanContainer } from '@kombify/stackkits';
import type { Artifacts, SpecVersion } from './stack-store.ts';

/** "30s", "1m30s", "500ms" → seconds (Docker/Go duration strings as the plan writes them). */
export function durationSeconds(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let matched = false;
  for (const m of text.matchAll(re)) {
    matched = true;
    const n = Number(m[1]);
    total += m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : m[2] === 's' ? n : n / 1000;
  }
  return matched && total > 0 ? total : undefined;
}

function convergeService(c: PlanContainer): Record<string, unknown> {
  const out: Record<string, unknown> = {
    service: c.service,
    name: c.name,
    image: c.image,
    restart: c.restart,
  };
  if (c.command) out.command = [...c.command];
  if (Object.keys(c.env).length > 0) out.env = { ...c.env };
  const ports = c.ports.filter((p) => p.host !== null);
  if (ports.length > 0)
    out.ports = ports.map((p) => ({ container: p.container, host: p.host, protocol: p.protocol }));
  if (c.volumes.length > 0) {
    out.mounts = c.volumes.map((m) => ({
      type: m.type,
      ...(m.type === 'tmpfs' || m.source === null ? {} : { source: m.source }),
      target: m.target,
      ...(m.readOnly ? { read_only: true } : {}),
    }));
  }
  const labels = Object.fromEntries(Object.entries(c.labels).filter(([k]) => !k.startsWith('kombify.')));
  if (Object.keys(labels).length > 0) out.labels = labels;
  if (c.healthcheck) {
    const h = c.healthcheck;
    out.healthcheck = {
      test: h.test,
      ...(durationSeconds(h.interval) ? { interval_s: durationSeconds(h.interval) } : {}),
      ...(durationSeconds(h.timeout) ? { timeout_s: durationSeconds(h.timeout) } : {}),
      retries: h.retries,
      ...(durationSeconds(h.startPeriod) ? { start_period_s: durationSeconds(h.startPeriod) } : {}),
    };
  }
  if (c.networks.length > 0) out.networks = [...c.networks];
  return out;
}

/** Everything the later steps dispatch, decided once so a resumed run sends exactly the same jobs. */
export function generateArtifacts(stackId: string, plan: Plan, version: SpecVersion): Artifacts {
  const nodes = plan.nodes.filter((n) => n.containers.length > 0);
  const converge = nodes.map((n) => ({
    node: n.name,
    params: {
      stack: stackId,
      node: n.name,
      networks: n.networks.map((net) => ({ name: net.name })),
      volumes: n.volumes.map((v) => ({ name: v.name })),
      services: n.containers.map(convergeService),
    } as Record<string, unknown>,
  }));
  const published = (n: (typeof nodes)[number]) =>
    n.containers.flatMap((c) =>
      c.ports
        .filter((p) => p.host !== null && p.protocol === 'tcp')
        .map((p) => ({ service: c.service, port: p.host! })),
    );
  const verify = nodes
    .map((n) => ({
      node: n.name,
      params: {
        checks: published(n).map((p) => ({ service: p.service, kind: 'tcp', port: p.port, timeout_s: 60 })),
      },
    }))
    .filter((v) => v.params.checks.length > 0);
  const prechecks = nodes.map((n) => ({
    node: n.name,
    params: {
      ports: [
        ...new Set(n.containers.flatMap((c) => c.ports.flatMap((p) => (p.host === null ? [] : [p.host])))),
      ],
    },
  }));
  const primary = plan.nodes.find((n) => n.type === 'main')?.name ?? plan.nodes[0]?.name ?? '';
  const tofu = version.tofu
    ? { node: primary, files: version.tofu.files, ...(version.tofu.vars ? { vars: version.tofu.vars } : {}) }
    : null;
  return { converge, verify, prechecks, tofu };
}

/** Nodes of a plan that need a bound worker: those that run containers, plus the OpenTofu node. */
export function nodesNeedingWorkers(plan: Plan, version: SpecVersion): string[] {
  const names = plan.nodes.filter((n) => n.containers.length > 0).map((n) => n.name);
  if (version.tofu) {
    const primary = plan.nodes.find((n) => n.type === 'main')?.name ?? plan.nodes[0]?.name;
    if (primary && !names.includes(primary)) names.push(primary);
  }
  return names;
}
