/**
 * The node's container view: `docker.containers` (what kombify manages here), `docker.logs` (a
 * container's output, followed while the job runs) and `docker.container.action` (start, stop,
 * restart). Only containers with the `kombify.managed` label: the node's other containers are its
 * owner's business, and a refusal says so.
 */
import type { JsonObject } from '@bufbuild/protobuf';
import type { ContainerSummary, DockerContainerActionParams, DockerLogsParams } from '@kombify/proto/jobs';
import type Docker from 'dockerode';
import { asJobFailure, dockerClient, dockerStatus } from '../docker.ts';
import type { ExecContext } from './context.ts';
import { JobFailure } from './job-error.ts';

const MANAGED = 'kombify.managed';

export async function dockerContainers(_params: unknown, _ctx: ExecContext): Promise<JsonObject> {
  const docker = dockerClient();
  try {
    const list = await docker.listContainers({ all: true, filters: { label: [`${MANAGED}=true`] } });
    const containers = await Promise.all(list.map((c) => summary(docker, c)));
    containers.sort((a, b) => a.name.localeCompare(b.name));
    return { containers } as unknown as JsonObject;
  } catch (error) {
    asJobFailure(error);
  }
}

async function summary(docker: Docker, c: Docker.ContainerInfo): Promise<ContainerSummary> {
  const info = await docker
    .getContainer(c.Id)
    .inspect()
    .catch(() => null);
  const image = await docker
    .getImage(c.ImageID)
    .inspect()
    .catch(() => null);
  const running = info?.State.Running ?? c.State === 'running';
  return {
    name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
    stack: c.Labels['kombify.stack'] ?? null,
    service: c.Labels['kombify.service'] ?? null,
    image: c.Image,
    image_digest: image?.RepoDigests?.[0]?.split('@')[1] ?? null,
    state: c.State,
    health: info?.State.Health?.Status ?? null,
    ports: c.Ports.map((p) => ({ container: p.PrivatePort, host: p.PublicPort ?? null, protocol: p.Type })),
    started_at: running && info?.State.StartedAt ? info.State.StartedAt : null,
    restarts: info?.RestartCount ?? 0,
  };
}

/** A container kombify manages, or a refusal saying why not. */
async function managed(docker: Docker, name: string) {
  let info: Docker.ContainerInspectInfo;
  try {
    info = await docker.getContainer(name).inspect();
  } catch (error) {
    if (dockerStatus(error) === 404)
      throw new JobFailure('not_found', `no container named ${name} on this node`);
    throw error;
  }
  if (info.Config.Labels?.[MANAGED] !== 'true') {
    throw new JobFailure('not_managed', `container ${name} was not created by kombify; its owner manages it`);
  }
  return info;
}

/**
 * Docker's multiplexed log stream (8-byte frames: stream type, size) into whole lines per stream;
 * a container with a TTY sends raw bytes, all stdout.
 */
export function logLineSplitter(tty: boolean, emit: (stream: 'stdout' | 'stderr', line: string) => void) {
  let pending = Buffer.alloc(0);
  const partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  const text = (stream: 'stdout' | 'stderr', chunk: Buffer) => {
    const lines = (partial[stream] + chunk.toString('utf8')).split('\n');
    partial[stream] = lines.pop() ?? '';
    for (const l of lines) emit(stream, l.replace(/\r$/, ''));
  };
  return {
    push(chunk: Buffer) {
      if (tty) return text('stdout', chunk);
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 8) {
        const size = pending.readUInt32BE(4);
        if (pending.length < 8 + size) break;
        text(pending[0] === 2 ? 'stderr' : 'stdout', pending.subarray(8, 8 + size));
        pending = pending.subarray(8 + size);
      }
    },
    end() {
      for (const s of ['stdout', 'stderr'] as const) if (partial[s]) emit(s, partial[s]);
    },
  };
}

export async function dockerLogs(params: DockerLogsParams, ctx: ExecContext): Promise<JsonObject> {
  const docker = dockerClient();
  try {
    const info = await managed(docker, params.name);
    let lines = 0;
    const splitter = logLineSplitter(info.Config.Tty, (stream, line) => {
      lines++;
      ctx.log(stream, line);
    });
    const options = {
      stdout: true,
      stderr: true,
      tail: params.tail,
      ...(params.since ? { since: params.since } : {}),
    };
    if (!params.follow) {
      const out = (await docker
        .getContainer(info.Id)
        .logs({ ...options, follow: false })) as unknown as Buffer;
      splitter.push(Buffer.isBuffer(out) ? out : Buffer.from(String(out)));
      splitter.end();
      return { name: params.name, lines, followed: false };
    }
    const stream = (await docker
      .getContainer(info.Id)
      .logs({ ...options, follow: true })) as NodeJS.ReadableStream & {
      destroy(): void;
    };
    ctx.progress(`following ${params.name} for up to ${params.max_seconds} s`);
    const ended = await new Promise<'ended' | 'time' | 'cancelled'>((resolve) => {
      const timer = setTimeout(() => resolve('time'), params.max_seconds * 1000);
      const stop = (why: 'ended' | 'cancelled') => {
        clearTimeout(timer);
        resolve(why);
      };
      ctx.signal.addEventListener('abort', () => stop('cancelled'), { once: true });
      stream.on('data', (chunk: Buffer) => splitter.push(chunk));
      stream.on('end', () => stop('ended'));
      stream.on('error', () => stop('ended'));
    });
    stream.destroy();
    splitter.end();
    return { name: params.name, lines, followed: true, ended };
  } catch (error) {
    asJobFailure(error);
  }
}

export async function dockerContainerAction(
  params: DockerContainerActionParams,
  ctx: ExecContext,
): Promise<JsonObject> {
  const docker = dockerClient();
  try {
    const info = await managed(docker, params.name);
    const container = docker.getContainer(info.Id);
    ctx.progress(`${params.action} ${params.name}`);
    try {
      if (params.action === 'start') await container.start();
      else if (params.action === 'stop') await container.stop({ t: 10 });
      else await container.restart({ t: 10 });
    } catch (error) {
      // 304: already in the state asked for — the action is done.
      if (dockerStatus(error) !== 304) throw error;
    }
    const after = await container.inspect();
    ctx.log('system', `${params.action} ${params.name}: now ${after.State.Status}`);
    return { name: params.name, action: params.action, state: after.State.Status };
  } catch (error) {
    asJobFailure(error);
  }
}
