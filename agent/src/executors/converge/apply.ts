/** The Docker operations a converge carries out, each safe to repeat (a retry finds its own work). */
import type { StackConvergeParams } from '@kombify/proto/jobs';
import type Docker from 'dockerode';
import { dockerStatus } from '../../docker.ts';
import type { ExecContext } from '../context.ts';
import { JobFailure } from '../job-error.ts';
import { containerOptions, type Materialized, networkAliases } from './container-options.ts';
import type { ConvergePlan, ServiceAction } from './diff.ts';
import { LABEL, stackLabels } from './labels.ts';

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

/** Removes a container; one that is already gone counts as removed. */
export async function removeContainer(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true });
  } catch (error) {
    if (dockerStatus(error) !== 404) throw error;
  }
}

/** Removes orphaned and outdated networks, then creates the missing and replaced ones. */
export async function applyNetworks(
  docker: Docker,
  params: StackConvergeParams,
  plan: ConvergePlan,
  ctx: ExecContext,
): Promise<void> {
  for (const n of plan.networks) {
    const old = n.action === 'remove' ? n.existing : n.replaces;
    if (old) {
      ctx.log(
        'system',
        `removing network ${n.name}${n.action === 'remove' ? ' (no longer in the stack)' : ''}`,
      );
      await removeNetwork(docker, old.id);
    }
    if (n.action === 'create') {
      ctx.log('system', `creating network ${n.name}${n.reason ? ` (${n.reason})` : ''}`);
      try {
        await docker.createNetwork({
          Name: n.name,
          Driver: 'bridge',
          Internal: n.internal ?? false,
          CheckDuplicate: true,
          ...(n.subnet ? { IPAM: { Driver: 'default', Config: [{ Subnet: n.subnet }] } } : {}),
          Labels: { ...stackLabels(params.stack, params.node), [LABEL.specHash]: n.specHash ?? '' },
        });
      } catch (error) {
        // Docker: "Pool overlaps with other one on this address space" (another network has it).
        if (n.subnet && /overlap/i.test(firstLine(error) ?? '')) {
          throw new JobFailure(
            'subnet_conflict',
            `network ${n.name}: subnet ${n.subnet} overlaps a network that already exists on this node; give the stack another subnet (network.internal.subnet) or remove that network`,
          );
        }
        throw error;
      }
    }
  }
}

/** Removes a network (gone already counts). */
export async function removeNetwork(docker: Docker, id: string): Promise<void> {
  await docker
    .getNetwork(id)
    .remove()
    .catch((error) => {
      if (dockerStatus(error) !== 404) throw error;
    });
}

export type Startable = ServiceAction & { spec: NonNullable<ServiceAction['spec']> };

/** Creates a container (not started) with all its networks attached. */
export async function createContainer(
  docker: Docker,
  params: StackConvergeParams,
  s: Startable,
  placed?: Materialized,
): Promise<string> {
  const options = containerOptions(
    params.stack,
    params.node,
    s.spec,
    { hash: s.specHash ?? '', parts: s.specParts ?? '' },
    placed,
  );
  let container: Docker.Container;
  try {
    container = await docker.createContainer(options);
  } catch (error) {
    // Something took the name since the plan was made (a concurrent delivery): retrying converges.
    if (dockerStatus(error) === 409) {
      throw new JobFailure(
        'name_conflict',
        `a container named ${s.name} already exists; a retry converges`,
        true,
      );
    }
    throw new JobFailure(
      'create_failed',
      `service ${s.service} (container ${s.name}) could not be created: ${firstLine(error)}`,
    );
  }
  try {
    for (const network of (s.spec.networks ?? []).slice(1)) {
      await docker
        .getNetwork(network)
        .connect({ Container: container.id, EndpointConfig: { Aliases: networkAliases(s.spec) } });
    }
  } catch (error) {
    await removeContainer(docker, container.id).catch(() => {});
    throw error;
  }
  return container.id;
}

/** Starts a container; one that cannot start is removed again, so nothing half-made stays. */
export async function startContainer(docker: Docker, s: Startable, id: string): Promise<void> {
  try {
    await docker.getContainer(id).start();
  } catch (error) {
    await removeContainer(docker, id).catch(() => {});
    throw new JobFailure(
      'start_failed',
      `service ${s.service} (container ${s.name}) could not start: ${firstLine(error)}`,
    );
  }
}
