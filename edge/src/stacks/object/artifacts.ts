/**
 * The generate step: a resolved plan → the jobs a workflow dispatches: `stack.converge` per node
 * and `stack.verify` checks (stackkits' toConvergeJobs / toVerifyChecks), `node.prechecks` for the
 * host ports each node must bind, and the OpenTofu files of the spec version.
 */
import { type Plan, toConvergeJobs, toVerifyChecks } from '@kombify/stackkits';
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
  const prechecks = plan.nodes
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
