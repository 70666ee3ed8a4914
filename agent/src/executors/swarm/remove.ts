/**
 * swarm.remove, on the leader: the stack's Swarm services, then its overlay networks (once the
 * services' tasks are gone, which takes Swarm a few seconds). Idempotent: what is gone stays gone.
 * Volumes Swarm made on each node are removed by that node's stack.remove; the swarm itself by
 * each member's swarm.leave. The other managers are demoted here first, as Docker advises: a
 * manager that leaves by force stays in the Raft group, and when the Raft leader (after a failover
 * not this node) left that way the last managers could lose their quorum before leaving.
 */
import type { JsonObject } from '@bufbuild/protobuf';
import type { SwarmRemoveParams } from '@kombify/proto/jobs';
import type Docker from 'dockerode';
import { asJobFailure, dockerClient, dockerStatus } from '../../docker.ts';
import type { ExecContext } from '../context.ts';
import { LABEL } from '../converge/labels.ts';
import { JobFailure } from '../job-error.ts';
import { updateNode } from './node-update.ts';
import { membersNow, quorumRefusal, type SwarmNode } from './quorum.ts';

/** Until a demoted node has left Raft (its manager status gone), so its leave finds a worker. */
async function leftRaft(docker: Docker, id: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const node = (await docker.getNode(id).inspect()) as SwarmNode;
    if (!node.ManagerStatus) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * Every manager but this node demoted, unreachable ones first (that only helps the count), each
 * judged against the quorum; one that cannot be demoted safely is left to leave by force.
 */
async function demoteOtherManagers(docker: Docker, ctx: ExecContext): Promise<string[]> {
  const self = ((await docker.info()) as { Swarm?: { NodeID?: string } }).Swarm?.NodeID;
  const demoted: string[] = [];
  const tried = new Set<string>();
  for (;;) {
    const nodes = (await docker.listNodes()) as SwarmNode[];
    const reachable = (n: SwarmNode) => n.ManagerStatus?.Reachability === 'reachable';
    const next = nodes
      .filter((n) => n.Spec.Role === 'manager' && n.ID !== self && !tried.has(n.ID))
      .sort((a, b) => Number(reachable(a)) - Number(reachable(b)))[0];
    if (!next) return demoted;
    tried.add(next.ID);
    const refusal = quorumRefusal(membersNow(nodes), [{ id: next.ID, role: 'worker' }]);
    if (refusal) {
      ctx.log('system', `not demoting ${next.ID}: ${refusal}`);
      continue;
    }
    ctx.progress(`demoting manager ${next.Spec.Labels?.[LABEL.node] ?? next.ID}`);
    await updateNode(docker, next.ID, (spec) => ({ ...spec, Role: 'worker' }));
    demoted.push(next.ID);
    await leftRaft(docker, next.ID);
  }
}

export async function swarmRemove(params: SwarmRemoveParams, ctx: ExecContext): Promise<JsonObject> {
  const docker = dockerClient();
  const filters = { label: [`${LABEL.managed}=true`, `${LABEL.stack}=${params.stack}`] };
  try {
    const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } };
    if (info.Swarm?.LocalNodeState !== 'active') return { services: 0, networks: 0, note: 'not in a swarm' };
    if (!info.Swarm.ControlAvailable)
      throw new JobFailure('not_a_manager', 'swarm.remove runs on a manager; this node is a worker');
    const services = await docker.listServices({ filters });
    for (const s of services) {
      ctx.progress(`removing service ${s.Spec?.Name ?? s.ID}`);
      await docker
        .getService(s.ID)
        .remove()
        .catch((e: unknown) => {
          if (dockerStatus(e) !== 404) throw e;
        });
    }
    const networks = await docker.listNetworks({ filters });
    const deadline = Date.now() + 60_000;
    for (const n of networks) {
      ctx.progress(`removing network ${n.Name}`);
      for (;;) {
        try {
          await docker.getNetwork(n.Id).remove();
          break;
        } catch (e) {
          if (dockerStatus(e) === 404) break;
          // 403/409: tasks still attached; Swarm detaches them as it stops them.
          if (Date.now() > deadline) throw e;
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    }
    const demoted = await demoteOtherManagers(docker, ctx);
    ctx.log(
      'system',
      `removed ${services.length} service(s) and ${networks.length} network(s); demoted ${demoted.length} manager(s)`,
    );
    return { services: services.length, networks: networks.length, demoted };
  } catch (error) {
    asJobFailure(error);
  }
}
