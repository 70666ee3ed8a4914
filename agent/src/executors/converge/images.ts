/**
 * Images for a converge: pulled by the `pull` policy with the engine's progress as job logs.
 * `always` pulls every image; when that pull fails but the image is on the node (an offline
 * homelab, a locally built image) the local one is used and the log says so.
 */
import type Docker from 'dockerode';
import { mirrorMiss } from '../../sim/mirror.ts';
import type { ExecContext } from '../context.ts';
import { JobFailure } from '../job-error.ts';

interface PullEvent {
  status?: string;
  progress?: string;
  id?: string;
  error?: string;
}

export async function pullImage(docker: Docker, image: string, ctx: ExecContext): Promise<void> {
  const stream = await docker.pull(image);
  const said = new Set<string>();
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err) => (err ? reject(err) : resolve()),
      (event: PullEvent) => {
        // Per layer only the changes of status, not every byte count.
        const line = `${image}: ${event.id ? `${event.id}: ` : ''}${event.status ?? event.error ?? ''}`;
        if (!said.has(line)) {
          said.add(line);
          ctx.log('system', line);
        }
      },
    );
  });
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

/** Makes every image available; a missing image that cannot be pulled fails the job (not retryable). */
export async function ensureImages(
  docker: Docker,
  images: readonly string[],
  local: Readonly<Record<string, string>>,
  policy: 'missing' | 'always' | 'never',
  ctx: ExecContext,
): Promise<void> {
  for (const image of new Set(images)) {
    const present = local[image] !== undefined;
    if (policy === 'never' || (policy === 'missing' && present)) {
      if (present) continue;
      throw new JobFailure(
        'image_unavailable',
        `image "${image}" is not on this node and pulling is off (pull: never)`,
        false,
      );
    }
    ctx.progress(`pulling ${image}`);
    ctx.log(
      'system',
      present ? `pulling ${image} (pull: always)` : `image ${image} is not on this node; pulling it`,
    );
    try {
      await pullImage(docker, image, ctx);
    } catch (error) {
      if (present) {
        ctx.log(
          'system',
          `could not pull ${image} (${firstLine(error)}); using the image already on this node`,
        );
        continue;
      }
      const miss = mirrorMiss(image, firstLine(error) ?? '');
      if (miss) throw miss;
      throw new JobFailure(
        'image_unavailable',
        `image "${image}" is not on this node and could not be pulled: ${firstLine(error)}`,
        false,
      );
    }
  }
}
