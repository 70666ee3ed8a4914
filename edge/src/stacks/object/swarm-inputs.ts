/**
 * What a Swarm job learns only from the jobs before it (issue 22): a `swarm.join` needs the
 * leader's Swarm address, which `swarm.init` reports; `swarm.services` needs each member's Swarm
 * node id, which its init or join reports. Filled in from this run's results just before the job
 * is sent (the apply step runs its jobs in order, so they are there), never stored in the plan.
 */
import type { EngineDeps } from './engine-deps.ts';
import type { WfJobRecord, WorkflowRecord } from './stack-store.ts';
import * as store from './stack-store.ts';

const SWARM_PORT = 2377;

type Result = { advertise_address?: string; node_id?: string };

/** The latest succeeded init/join result per node in this run. */
function memberResults(deps: EngineDeps, wf: WorkflowRecord): Map<string, { type: string; result: Result }> {
  const out = new Map<string, { type: string; result: Result }>();
  for (const j of store.jobsOf(deps.sql, wf.id)) {
    if (j.status !== 'succeeded' || (j.type !== 'swarm.init' && j.type !== 'swarm.join')) continue;
    out.set(j.node, { type: j.type, result: (j.result ?? {}) as Result });
  }
  return out;
}

export function withSwarmInputs(deps: EngineDeps, wf: WorkflowRecord, job: WfJobRecord): WfJobRecord {
  if (job.type !== 'swarm.join' && job.type !== 'swarm.services') return job;
  const results = memberResults(deps, wf);
  const params = { ...(job.params as Record<string, unknown>) };
  if (job.type === 'swarm.join' && params.leader_address === undefined) {
    const init = [...results.values()].find((r) => r.type === 'swarm.init');
    if (init?.result.advertise_address)
      params.leader_address = `${init.result.advertise_address}:${SWARM_PORT}`;
  }
  if (job.type === 'swarm.services') {
    const members = (params.members ?? []) as { node: string; node_id?: string }[];
    params.members = members.map((m) => {
      const id = results.get(m.node)?.result.node_id;
      return m.node_id === undefined && id ? { ...m, node_id: id } : m;
    });
  }
  return { ...job, params };
}
