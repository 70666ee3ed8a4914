/**
 * docker.run: create and start a container. Idempotent per job: a redelivered job finds the
 * container it made before (by name and the kombify.job label) instead of making a second one.
 */
import type { JsonObject } from '@bufbuild/protobuf';
import type { DockerRunParams } from '@kombify/proto/jobs';
import type Docker from 'dockerode';
import { asJobFailure, dockerClient, dockerStatus } from '../docker.ts';
import { mirrorMiss } from '../sim/mirror.ts';
import type { ExecContext } from './context.ts';
import { portOptions } from './converge/container-options.ts';
import { JobFailure } from './job-error.ts';

async function inspectByName(docker: Docker, name: string) {
  try {
    return await docker.getContainer(name).inspect();
  } catch (error) {
    if (dockerStatus(error) === 404) return null;
    throw error;
  }
}

async function ensureImage(docker: Docker, image: string, ctx: ExecContext): Promise<void> {
  try {
    await docker.getImage(image).inspect();
    return;
  } catch (error) {
    if (dockerStatus(error) !== 404) throw error;
  }
  ctx.progress(`pulling ${image}`);
  ctx.log('system', `image ${image} is not on this node; pulling it`);
  try {
    const stream = await docker.pull(image);
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (err) => (err ? reject(err) : resolve()),
        (event: { status?: string; progress?: string; id?: string }) => {
          if (event.status && !event.progress)
            ctx.log('system', `${event.id ? `${event.id}: ` : ''}${event.status}`);
        },
      );
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    const miss = mirrorMiss(image, reason ?? '');
    if (miss) throw miss;
    throw new JobFailure(
      'image_not_found',
      `image ${image} is not on this node and could not be pulled: ${reason}`,
    );
  }
}

function result(info: Docker.ContainerInspectInfo, reused: boolean): JsonObject {
  return {
    container_id: info.Id,
    state: info.State.Status,
    name: info.Name.replace(/^\//, ''),
    image: info.Config.Image,
    reused,
  };
}

export async function dockerRun(params: DockerRunParams, ctx: ExecContext): Promise<JsonObject> {
  const docker = dockerClient();
  try {
    const existing = await inspectByName(docker, params.name);
    if (existing) {
      if (existing.Config.Labels?.['kombify.job'] !== ctx.jobId) {
        throw new JobFailure(
          'name_conflict',
          `a container named ${params.name} already exists and was not made by this job; remove it (docker.remove) or choose another name`,
        );
      }
      if (!existing.State.Running) await docker.getContainer(existing.Id).start();
      ctx.log(
        'system',
        `container ${params.name} from an earlier delivery of this job found; not creating another`,
      );
      return result(await docker.getContainer(existing.Id).inspect(), true);
    }

    await ensureImage(docker, params.image, ctx);
    ctx.progress(`creating ${params.name}`);
    const { exposed, bindings } = portOptions(params.ports ?? []);
    let container: Docker.Container;
    try {
      container = await docker.createContainer({
        name: params.name,
        Image: params.image,
        ...(params.command ? { Cmd: params.command } : {}),
        Env: Object.entries(params.env ?? {}).map(([k, v]) => `${k}=${v}`),
        Labels: {
          ...(params.labels ?? {}),
          'kombify.managed': 'true',
          'kombify.job': ctx.jobId,
        },
        ExposedPorts: exposed,
        HostConfig: { PortBindings: bindings },
      });
    } catch (error) {
      // Two deliveries of the same job racing: the loser finds the winner's container.
      if (dockerStatus(error) === 409) {
        const raced = await inspectByName(docker, params.name);
        if (raced?.Config.Labels?.['kombify.job'] === ctx.jobId) return result(raced, true);
        throw new JobFailure('name_conflict', `a container named ${params.name} already exists`);
      }
      throw error;
    }
    ctx.progress(`starting ${params.name}`);
    try {
      await container.start();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // Leave nothing half-made: a container that cannot start is removed again.
      await container.remove({ force: true }).catch(() => {});
      throw new JobFailure('start_failed', `container ${params.name} could not start: ${reason}`);
    }
    const info = await container.inspect();
    ctx.log('system', `started ${params.name} (${info.Id.slice(0, 12)}) from ${params.image}`);
    return result(info, false);
  } catch (error) {
    asJobFailure(error);
  }
}
