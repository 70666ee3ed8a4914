/**
 * The generate step: a resolved plan → the jobs a workflow dispatches: `stack.converge` per node
 * and `stack.verify` checks (stackkits' toConvergeJobs / toVerifyChecks), `node.prechecks` for the
 * host ports each node must bind, the Swarm jobs of a plan with a swarm (toSwarmJobs), and the
 * OpenTofu files of the spec version.
 */
import { type Plan, toConvergeJobs, toSwarmJobs, toVerifyChecks } from '@kombify/stackkits';
import type { Artifacts, SpecVersion } from './stack-store.ts';

/** Everything the later steps dispatch, decided once so a resumed run sends exactly the same jobs. */
export function generateArtifacts(stackId: string, plan: Plan, version: SpecVersion): Artifacts {
  const converge = toConvergeJobs(plan, { stack: stackId }).map((j) => ({
    node: j.node,
    params: j.params as unknown as Record<string, unknown>,
    ...(j.unsupported.length > 0 ? { unsupported: j.unsupported } : {}),
  }));
  const verify = toVerifyChecks(plan, { timeout_s: 60 }).map((v) => ({
    node: v.node,
    params: v.params as unknown as Record<string, unknown>,
  }));
  const prechecks: Artifacts['prechecks'] = plan.nodes
    .filter((n) => n.containers.length > 0)
    .map((n) => ({
      node: n.name,
      params: {
        // Ports this stack's own containers already hold count as passed (a redeploy).
        stack: stackId,
        ports: [
          ...new Set(n.containers.flatMap((c) => c.ports.flatMap((p) => (p.host === null ? [] : [p.host])))),
        ],
      },
    }));
  // A swarm member must not be in another swarm: checked before anything changes.
  for (const m of [...(plan.swarm?.managers ?? []), ...(plan.swarm?.workers ?? [])]) {
    const role = plan.swarm?.managers.includes(m) ? ('manager' as const) : ('worker' as const);
    const existing = prechecks.find((p) => p.node === m);
    if (existing) Object.assign(existing.params, { swarm_role: role });
    else prechecks.push({ node: m, params: { stack: stackId, ports: [], swarm_role: role } });
  }
  const primary = plan.nodes.find((n) => n.type === 'main')?.name ?? plan.nodes[0]?.name ?? '';
  const tofu = version.tofu
    ? { node: primary, files: version.tofu.files, ...(version.tofu.vars ? { vars: version.tofu.vars } : {}) }
    : null;
  const swarm = toSwarmJobs(plan, { stack: stackId });
  return {
    converge,
    verify,
    prechecks,
    tofu,
    // Params as plain records, the way every artifact is stored.
    swarm: swarm as unknown as Artifacts['swarm'],
  };
}

/** Nodes of a plan that need a bound worker: those that run containers or are in its swarm, plus the OpenTofu node. */
export function nodesNeedingWorkers(plan: Plan, version: SpecVersion): string[] {
  const names = plan.nodes.filter((n) => n.containers.length > 0 || n.swarmRole !== null).map((n) => n.name);
  if (version.tofu) {
    const primary = plan.nodes.find((n) => n.type === 'main')?.name ?? plan.nodes[0]?.name;
    if (primary && !names.includes(primary)) names.push(primary);
  }
  return names;
}
