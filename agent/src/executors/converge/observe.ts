/** What Docker has now for one stack on one node, in the shape the converge planner takes. */
import type { StackConvergeParams } from '@kombify/proto/jobs';
import type Docker from 'dockerode';
import { dockerStatus } from '../../docker.ts';
import type { Observed } from './diff.ts';
import { LABEL, stackFilter } from './labels.ts';

/** Inspect that answers null for "no such object". */
export async function orNull<T>(inspect: Promise<T>): Promise<T | null> {
  try {
    return await inspect;
  } catch (error) {
    if (dockerStatus(error) === 404) return null;
    throw error;
  }
}

export async function observe(docker: Docker, params: StackConvergeParams): Promise<Observed> {
  const filters = stackFilter(params.stack, params.node);
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  const mine = {
    containers: new Set(containers.map((c) => c.Id)),
    networks: new Set(networks.map((n) => n.Id)),
    volumes: new Set((volumes.Volumes ?? []).map((v) => v.Name)),
  };

  const images = [...new Set(params.services.map((s) => s.image))];
  const [imageInfo, containerInfo, networkInfo, volumeInfo] = await Promise.all([
    Promise.all(images.map((image) => orNull(docker.getImage(image).inspect()))),
    Promise.all(params.services.map((s) => orNull(docker.getContainer(s.name).inspect()))),
    Promise.all(params.networks.map((n) => orNull(docker.getNetwork(n.name).inspect()))),
    Promise.all(params.volumes.map((v) => orNull(docker.getVolume(v.name).inspect()))),
  ]);
  const imageIds: Record<string, string> = {};
  images.forEach((image, i) => {
    const info = imageInfo[i];
    if (info) imageIds[image] = info.Id;
  });

  // A desired name taken by anything else (another stack, another node's part, or not kombify's).
  const foreign: Observed['foreign'] = {
    containers: params.services
      .filter((s, i) => {
        const info = containerInfo[i];
        return info && info.Name === `/${s.name}` && !mine.containers.has(info.Id);
      })
      .map((s) => s.name),
    networks: params.networks
      .filter((n, i) => {
        const info = networkInfo[i];
        return info && info.Name === n.name && !mine.networks.has(info.Id);
      })
      .map((n) => n.name),
    volumes: params.volumes.filter((v, i) => volumeInfo[i] && !mine.volumes.has(v.name)).map((v) => v.name),
  };

  return {
    containers: containers.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
      service: c.Labels[LABEL.service],
      specHash: c.Labels[LABEL.specHash],
      specParts: c.Labels[LABEL.specParts],
      state: c.State,
      imageId: c.ImageID,
    })),
    networks: networks.map((n) => ({ id: n.Id, name: n.Name, specHash: n.Labels?.[LABEL.specHash] })),
    volumes: (volumes.Volumes ?? []).map((v) => ({ name: v.Name })),
    imageIds,
    foreign,
  };
}
