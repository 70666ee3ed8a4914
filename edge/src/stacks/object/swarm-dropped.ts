/**
 * Members the plan dropped (issue 22): the deployed record names the swarm's members and the
 * worker each ran on; a run whose plan no longer has one drains it (swarm.services `leaving`),
 * lets its own agent leave (swarm.leave on that worker) and has the leader forget its entry
 * (swarm.forget). A record from before members were recorded drops nothing.
 */
import type { Artifacts } from './stack-schema.ts';
import * as store from './stack-store.ts';

export function withDroppedMembers(sql: store.StackDb, artifacts: Artifacts): Artifacts {
  const swarm = artifacts.swarm;
  if (!swarm) return artifacts;
  const deployed = JSON.parse(store.getSetting(sql, 'deployed') ?? 'null') as {
    workers?: Record<string, string>;
    swarm_members?: string[];
  } | null;
  const now = new Set(swarm.members.map((m) => m.node));
  const dropped = (deployed?.swarm_members ?? [])
    .filter((node) => !now.has(node) && deployed?.workers?.[node])
    .map((node) => ({ node, worker_id: deployed!.workers![node]! }));
  if (dropped.length === 0) return artifacts;
  return {
    ...artifacts,
    swarm: {
      ...swarm,
      dropped,
      services: {
        ...swarm.services,
        params: { ...swarm.services.params, leaving: dropped.map((d) => d.node) },
      },
    },
  };
}

/**
 * The apply step's jobs after swarm.services: each dropped member leaves, then the leader forgets
 * them. A member whose worker is offline cannot leave by itself (its job would hold the step until
 * it timed out): it is left to the forget, which removes a node that shows down and refuses one
 * that is still up. `skipped` names those, for the run's events.
 */
export async function droppedMemberJobs(
  swarm: Artifacts['swarm'],
  stack: string,
  connected?: (workerId: string) => Promise<boolean>,
) {
  const dropped = swarm?.dropped ?? [];
  if (!swarm || dropped.length === 0) return { jobs: [], skipped: [] };
  const online = await Promise.all(dropped.map(async (d) => (connected ? connected(d.worker_id) : true)));
  return {
    jobs: [
      ...dropped
        .filter((_, i) => online[i])
        .map((d) => ({ node: d.node, workerId: d.worker_id, type: 'swarm.leave', params: { stack } })),
      { node: swarm.leader, type: 'swarm.forget', params: { stack, nodes: dropped.map((d) => d.node) } },
    ],
    skipped: dropped.filter((_, i) => !online[i]).map((d) => d.node),
  };
}
