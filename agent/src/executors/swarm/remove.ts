/**
 * swarm.remove, on the leader: the stack's Swarm services, then its overlay networks (once the
 * services' tasks are gone, which takes Swarm a few seconds). Idempotent: what is gone stays gone.
 * Volumes Swarm made on each node are removed by that node's stack.remove; the swarm itself by
 * each member's swarm.leave.
 */
import type { JsonObject } from '@bufbuild/protobuf';
import type { SwarmRemoveParams } from '@kombify/proto/jobs';
import { asJobFailure, dockerClient, dockerStatus } from '../../docker.ts';
import type { ExecContext } from '../context.ts';
import { LABEL } from '../converge/labels.ts';
import { JobFailure } from '../job-error.ts';

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
    ctx.log('system', `removed ${services.length} service(s) and ${networks.length} network(s)`);
    return { services: services.length, networks: networks.length };
  } catch (error) {
    asJobFailure(error);
  }
}
