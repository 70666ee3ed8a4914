/**
 * stack.remove: remove every container and network (and volume, when asked) labelled with the
 * stack — on one node when given. Removing what is already gone is not an error, so a retried or
 * repeated job succeeds with what it removed this time.
 */
import type { JsonObject } from '@bufbuild/protobuf';
import type { StackRemoveParams, StackRemoveResult } from '@kombify/proto/jobs';
import { asJobFailure, dockerClient, dockerStatus } from '../docker.ts';
import type { ExecContext } from './context.ts';
import { fileDirs, removeStackFiles } from './converge/files.ts';
import { stackFilter } from './converge/labels.ts';

async function gone(remove: Promise<unknown>): Promise<boolean> {
  try {
    await remove;
    return true;
  } catch (error) {
    // The engine says 500 "… not found" for an object another remover just took (a swarm's).
    if (dockerStatus(error) === 404 || /\bnot found\b/i.test((error as Error).message ?? '')) return false;
    throw error;
  }
}

export async function stackRemove(params: StackRemoveParams, ctx: ExecContext): Promise<JsonObject> {
  const docker = dockerClient();
  const filters = stackFilter(params.stack, params.node);
  const where = `stack ${params.stack}${params.node ? ` on node ${params.node}` : ''}`;
  const removed: StackRemoveResult['removed'] = { containers: 0, networks: 0, volumes: 0 };
  try {
    ctx.progress(`removing containers of ${where}`, 0);
    // Containers of a stack do not depend on each other for removal: all at once.
    const containers = await docker.listContainers({ all: true, filters });
    await Promise.all(
      containers.map(async (c) => {
        if (await gone(docker.getContainer(c.Id).remove({ force: true }))) {
          removed.containers++;
          ctx.log('system', `removed container ${(c.Names[0] ?? c.Id).replace(/^\//, '')}`);
        }
      }),
    );
    ctx.progress(`removing networks of ${where}`, 50);
    for (const n of await docker.listNetworks({ filters })) {
      // An overlay belongs to the swarm: swarm.remove on the leader takes it down.
      if (n.Scope === 'swarm') continue;
      if (await gone(docker.getNetwork(n.Id).remove())) {
        removed.networks++;
        ctx.log('system', `removed network ${n.Name}`);
      }
    }
    if (params.volumes) {
      ctx.progress(`removing volumes of ${where}`, 75);
      for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) {
        if (await gone(docker.getVolume(v.Name).remove())) {
          removed.volumes++;
          ctx.log('system', `removed volume ${v.Name}`);
        }
      }
    }
    removeStackFiles(fileDirs(), params.stack);
    ctx.log(
      'system',
      `${where}: removed ${removed.containers} containers, ${removed.networks} networks, ${removed.volumes} volumes${params.volumes ? '' : ' (volumes kept)'}`,
    );
    ctx.progress('removed', 100);
    return { removed } satisfies StackRemoveResult;
  } catch (error) {
    asJobFailure(error);
  }
}
