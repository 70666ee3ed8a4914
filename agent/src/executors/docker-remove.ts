/** docker.remove: remove a container kombify made. Removing one that is already gone succeeds. */
import type { JsonObject } from '@bufbuild/protobuf';
import type { DockerRemoveParams } from '@kombify/proto/jobs';
import { asJobFailure, dockerClient, dockerStatus } from '../docker.ts';
import type { ExecContext } from './context.ts';
import { JobFailure } from './job-error.ts';

export async function dockerRemove(params: DockerRemoveParams, ctx: ExecContext): Promise<JsonObject> {
  const docker = dockerClient();
  try {
    let info: Awaited<ReturnType<ReturnType<typeof docker.getContainer>['inspect']>>;
    try {
      info = await docker.getContainer(params.name).inspect();
    } catch (error) {
      if (dockerStatus(error) === 404) {
        ctx.log('system', `no container named ${params.name}; nothing to remove`);
        return { name: params.name, removed: false };
      }
      throw error;
    }
    if (info.Config.Labels?.['kombify.managed'] !== 'true') {
      throw new JobFailure(
        'not_managed',
        `container ${params.name} was not created by kombify (no kombify.managed label); refusing to remove it`,
      );
    }
    ctx.progress(`removing ${params.name}`);
    try {
      await docker.getContainer(info.Id).remove({ force: true, v: true });
    } catch (error) {
      if (dockerStatus(error) !== 404) throw error;
    }
    ctx.log('system', `removed ${params.name} (${info.Id.slice(0, 12)})`);
    return { name: params.name, removed: true, container_id: info.Id };
  } catch (error) {
    asJobFailure(error);
  }
}
