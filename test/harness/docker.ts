/** Docker access for tests: fails loudly (never skips) when no engine is reachable. */
import { execFileSync } from 'node:child_process';
import Docker from 'dockerode';
import { repoRoot } from '../../scripts/lib/service.ts';

export const TEST_IMAGE = process.env.KOMBIFY_TEST_IMAGE ?? 'kombify/busybox:test';

export async function requireDocker(): Promise<Docker> {
  const docker = new Docker({ socketPath: '/var/run/docker.sock' });
  try {
    await docker.ping();
  } catch (error) {
    throw new Error(
      `These tests need a Docker engine at /var/run/docker.sock and none answered (${(error as Error).message}). ` +
        'Start one (as root: dockerd --storage-driver=overlay2 &) — .ci/run does this in CI.',
    );
  }
  try {
    await docker.getImage(TEST_IMAGE).inspect();
  } catch {
    execFileSync('sh', [`${repoRoot}scripts/build-test-image.sh`], { stdio: 'inherit' });
  }
  return docker;
}

export async function containersOfJob(docker: Docker, jobId: string) {
  return docker.listContainers({ all: true, filters: { label: [`kombify.job=${jobId}`] } });
}

export async function removeContainer(docker: Docker, name: string): Promise<void> {
  await docker
    .getContainer(name)
    .remove({ force: true })
    .catch(() => {});
}

/** Removes the containers, networks and volumes labelled `kombify.stack=<id>` (one test stack's own, nothing else). */
export async function removeStackResources(docker: Docker, id: string): Promise<void> {
  const byLabel = { filters: { label: [`kombify.stack=${id}`] } };
  for (const c of await docker.listContainers({ all: true, ...byLabel }))
    await docker
      .getContainer(c.Id)
      .remove({ force: true })
      .catch(() => {});
  for (const n of await docker.listNetworks(byLabel))
    await docker
      .getNetwork(n.Id)
      .remove()
      .catch(() => {});
  for (const v of (await docker.listVolumes(byLabel)).Volumes ?? [])
    await docker
      .getVolume(v.Name)
      .remove()
      .catch(() => {});
}
