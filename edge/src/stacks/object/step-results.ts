/** A job step whose jobs all succeeded: what their results say (pre-check verdicts, plan changes, drift). */
import { completeStep, type EngineDeps, event } from './engine-deps.ts';
import type { StepRecord, WfJobRecord, WorkflowRecord } from './stack-store.ts';
import * as store from './stack-store.ts';

interface PrecheckResult {
  name: string;
  status: string;
  message: string;
  blocking: boolean;
}

interface ServiceChange {
  service: string;
  name?: string;
  action: string;
  reason?: string;
  state?: string;
  health?: string;
}

/** A step whose jobs all succeeded: read their results (pre-check verdicts, plan changes, drift). */
export function evaluateStep(
  deps: EngineDeps,
  wf: WorkflowRecord,
  step: StepRecord,
  jobs: WfJobRecord[],
): void {
  const results = jobs.map((j) => ({
    node: j.node,
    type: j.type,
    result: (j.result ?? {}) as Record<string, unknown>,
  }));
  // What OpenTofu last applied (a deploy's outputs; none left after a destroy), shown on the stack.
  const applied = results.find((r) => r.type === 'tofu.apply');
  if (applied) store.setSetting(deps.sql, 'tofu_outputs', JSON.stringify(applied.result.outputs ?? {}));
  if (step.name === 'prechecks') {
    const nodes = results.map((r) => ({ node: r.node, checks: (r.result.checks ?? []) as PrecheckResult[] }));
    const blocking = nodes.flatMap((n) =>
      n.checks
        .filter((c) => c.status === 'failed' && c.blocking)
        .map((c) => `${n.node}: ${c.name}: ${c.message}`),
    );
    if (blocking.length > 0) {
      completeStep(
        deps,
        wf,
        step,
        'failed',
        { nodes },
        { code: 'prechecks_failed', message: `blocking pre-checks failed — ${blocking.join('; ')}` },
      );
      return;
    }
    completeStep(deps, wf, step, 'succeeded', { nodes });
    return;
  }
  if (step.name === 'plan' || step.name === 'apply') {
    const nodes = results
      .filter((r) => r.type === 'stack.converge')
      .map((r) => ({
        node: r.node,
        changes: r.result.changes ?? null,
        services: ((r.result.services ?? []) as ServiceChange[]).map((s) => ({
          service: s.service,
          action: s.action,
          ...(s.reason ? { reason: s.reason } : {}),
          ...(s.state ? { state: s.state } : {}),
          ...(s.health ? { health: s.health } : {}),
        })),
      }));
    const tofuJob = results.find((r) => r.type.startsWith('tofu.'));
    const tofu = tofuJob?.result ?? null;
    // The swarm's formation and its services, as the leader and each member reported them.
    const swarm = results
      .filter((r) => r.type.startsWith('swarm.'))
      .map((r) => ({ node: r.node, type: r.type, ...r.result }));
    const detail = { nodes, ...(tofu ? { tofu } : {}), ...(swarm.length > 0 ? { swarm } : {}) };
    completeStep(deps, wf, step, 'succeeded', detail);
    if (wf.kind === 'drift' && step.name === 'plan') {
      // OpenTofu resources that a plan would change have drifted as much as a changed container.
      const c = (tofu?.changes ?? null) as { add: number; change: number; destroy: number } | null;
      const tofuDrift =
        tofuJob && c && c.add + c.change + c.destroy > 0
          ? [
              {
                node: tofuJob.node,
                services: [
                  {
                    service: 'opentofu',
                    action: 'update',
                    reason: `plan: ${c.add} to add, ${c.change} to change, ${c.destroy} to destroy`,
                  },
                ],
              },
            ]
          : [];
      // A Swarm service that would be created, updated or removed has drifted as well.
      const swarmDrift = results
        .filter((r) => r.type === 'swarm.services')
        .map((r) => ({ node: r.node, services: (r.result.services ?? []) as ServiceChange[] }));
      recordDrift(deps, wf, [...nodes, ...tofuDrift, ...swarmDrift]);
    }
    return;
  }
  completeStep(deps, wf, step, 'succeeded', {
    results: results.map((r) => ({ node: r.node, type: r.type, ...r.result })),
  });
}

function recordDrift(
  deps: EngineDeps,
  wf: WorkflowRecord,
  nodes: { node: string; services: ServiceChange[] }[],
): void {
  const drifted = nodes.flatMap((n) =>
    n.services.filter((s) => s.action !== 'unchanged').map((s) => ({ node: n.node, ...s })),
  );
  const record = {
    checked_at: new Date(deps.now()).toISOString(),
    workflow_id: wf.id,
    drifted: drifted.length > 0,
    services: drifted,
  };
  store.setSetting(deps.sql, 'last_drift', JSON.stringify(record));
  event(
    deps,
    wf.id,
    drifted.length > 0 ? 'drift.detected' : 'drift.none',
    drifted.length > 0
      ? `drift: ${drifted.map((d) => `${d.node}/${d.service} would ${d.action}${d.reason ? ` (${d.reason})` : ''}`).join(', ')}`
      : 'no drift: every service matches the deployed spec',
    { data: record },
  );
}
