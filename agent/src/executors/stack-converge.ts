/**
 * stack.converge: bring one node's part of a stack to the desired state (ORCH-CONTRACT.md).
 *
 * observe → plan (pure, converge/diff.ts) → [dry run: return the plan] → images → remove replaced
 * and orphaned containers → networks → volumes → create and start services in the given order,
 * waiting for each one with a health check (converge/health.ts). Every step reads what is there
 * first, so a redelivered or retried job converges to the same end state instead of doubling it.
 */
import type { JsonObject } from '@bufbuild/protobuf';
import type { StackConvergeParams, StackConvergeResult } from '@kombify/proto/jobs';
import type Docker from 'dockerode';
import { asJobFailure, dockerClient, dockerStatus } from '../docker.ts';
import type { ExecContext } from './context.ts';
import { containerOptions } from './converge/container-options.ts';
import { type ConvergePlan, planConverge, type ServiceAction } from './converge/diff.ts';
import { type Health, healthOf, healthWaitMs, waitForHealth } from './converge/health.ts';
import { ensureImages } from './converge/images.ts';
import { LABEL, stackLabels } from './converge/labels.ts';
import { observe } from './converge/observe.ts';
import { JobFailure } from './job-error.ts';

type ServiceResult = StackConvergeResult['services'][number];

function describe(s: ServiceAction): string {
  return `${s.action} ${s.name}${s.reason ? ` (${s.reason})` : ''}`;
}

function result(plan: ConvergePlan, services: ServiceResult[]): StackConvergeResult {
  return {
    services,
    networks: plan.networks.map((n) => ({
      name: n.name,
      action: n.action,
      ...(n.reason ? { reason: n.reason } : {}),
    })),
    volumes: plan.volumes,
    changes: plan.changes,
  };
}

async function removeContainer(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true });
  } catch (error) {
    if (dockerStatus(error) !== 404) throw error;
  }
}

async function applyNetworks(
  docker: Docker,
  params: StackConvergeParams,
  plan: ConvergePlan,
  ctx: ExecContext,
) {
  for (const n of plan.networks) {
    const old = n.action === 'remove' ? n.existing : n.replaces;
    if (old) {
      ctx.log(
        'system',
        `removing network ${n.name}${n.action === 'remove' ? ' (no longer in the stack)' : ''}`,
      );
      await docker
        .getNetwork(old.id)
        .remove()
        .catch((error) => {
          if (dockerStatus(error) !== 404) throw error;
        });
    }
    if (n.action === 'create') {
      ctx.log('system', `creating network ${n.name}${n.reason ? ` (${n.reason})` : ''}`);
      await docker.createNetwork({
        Name: n.name,
        Driver: 'bridge',
        Internal: n.internal ?? false,
        CheckDuplicate: true,
        Labels: { ...stackLabels(params.stack, params.node), [LABEL.specHash]: n.specHash ?? '' },
      });
    }
  }
}

async function createAndStart(
  docker: Docker,
  params: StackConvergeParams,
  s: ServiceAction & { spec: NonNullable<ServiceAction['spec']> },
): Promise<Docker.Container> {
  const options = containerOptions(params.stack, params.node, s.spec, {
    hash: s.specHash ?? '',
    parts: s.specParts ?? '',
  });
  let container: Docker.Container;
  try {
    container = await docker.createContainer(options);
  } catch (error) {
    if (dockerStatus(error) === 409) {
      throw new JobFailure(
        'name_conflict',
        `a container named ${s.name} already exists; a retry converges`,
        true,
      );
    }
    throw error;
  }
  try {
    for (const network of (s.spec.networks ?? []).slice(1)) {
      await docker
        .getNetwork(network)
        .connect({ Container: container.id, EndpointConfig: { Aliases: [s.service] } });
    }
    await container.start();
  } catch (error) {
    // Leave nothing half-made: a container that cannot start is removed again.
    await removeContainer(docker, container.id).catch(() => {});
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new JobFailure(
      'start_failed',
      `service ${s.service} (container ${s.name}) could not start: ${reason}`,
    );
  }
  return container;
}

export async function stackConverge(params: StackConvergeParams, ctx: ExecContext): Promise<JsonObject> {
  const docker = dockerClient();
  try {
    ctx.progress('reading the current state', 0);
    let observed = await observe(docker, params);
    if (!params.dry_run && params.pull === 'always') {
      await ensureImages(
        docker,
        params.services.map((s) => s.image),
        observed.imageIds,
        'always',
        ctx,
      );
      observed = await observe(docker, params);
    }
    const plan = planConverge(params, observed);
    const { create, update, remove, unchanged } = plan.changes;
    ctx.log(
      'system',
      `${params.dry_run ? 'dry run: ' : ''}${create} to create, ${update} to update, ${remove} to remove, ${unchanged} unchanged`,
    );
    for (const s of plan.services) if (s.action !== 'unchanged' || s.start) ctx.log('system', describe(s));
    if (plan.conflicts.length > 0) throw new JobFailure('name_conflict', plan.conflicts.join('; '));

    if (params.dry_run) {
      return result(
        plan,
        plan.services.map((s) => ({
          service: s.service,
          name: s.name,
          action: s.action,
          ...(s.existing ? { container_id: s.existing.id, state: s.existing.state } : {}),
          ...(s.reason ? { reason: s.reason } : {}),
        })),
      ) as JsonObject;
    }

    const toStart = plan.services.filter((s) => s.action === 'create' || s.action === 'update');
    if (params.pull !== 'always') {
      await ensureImages(
        docker,
        toStart.map((s) => s.spec?.image ?? ''),
        observed.imageIds,
        params.pull,
        ctx,
      );
    }

    const steps = plan.services.length + plan.networks.length + plan.volumes.length;
    let done = 0;
    const step = (message: string) => {
      ctx.signal.throwIfAborted();
      ctx.progress(message, Math.round((100 * done++) / Math.max(steps, 1)));
    };

    const results = new Map<ServiceAction, ServiceResult>();
    for (const s of plan.services) {
      if (s.action !== 'remove' && s.action !== 'update') continue;
      const existing = s.existing as NonNullable<ServiceAction['existing']>;
      if (s.action === 'remove') step(`removing ${s.name}`);
      await removeContainer(docker, existing.id);
      ctx.log('system', `removed container ${s.name} (${existing.id.slice(0, 12)})`);
      if (s.action === 'remove') {
        results.set(s, {
          service: s.service,
          name: s.name,
          action: 'remove',
          container_id: existing.id,
          state: 'removed',
          ...(s.reason ? { reason: s.reason } : {}),
        });
      }
    }

    step('networks');
    await applyNetworks(docker, params, plan, ctx);
    done += plan.networks.length;
    for (const v of plan.volumes) {
      if (v.action !== 'create') continue;
      step(`volume ${v.name}`);
      ctx.log('system', `creating volume ${v.name}`);
      await docker.createVolume({ Name: v.name, Labels: stackLabels(params.stack, params.node) });
    }

    for (const s of plan.services) {
      if (s.action === 'remove' || !s.spec) continue;
      let id = s.existing?.id ?? '';
      if (s.action === 'create' || s.action === 'update') {
        step(`${s.action === 'create' ? 'creating' : 'replacing'} ${s.name}`);
        id = (await createAndStart(docker, params, { ...s, spec: s.spec })).id;
        ctx.log('system', `started ${s.name} (${id.slice(0, 12)}) from ${s.spec.image}`);
      } else if (s.start) {
        step(`starting ${s.name}`);
        await docker.getContainer(id).start();
        ctx.log('system', `started ${s.name} again (it was ${s.existing?.state})`);
      }
      let info = await docker.getContainer(id).inspect();
      if (s.spec.healthcheck && (s.action !== 'unchanged' || s.start) && healthOf(info) === 'starting') {
        ctx.progress(`waiting for ${s.name} to become healthy`);
        info = await waitForHealth(docker, id, healthWaitMs(s.spec.healthcheck), ctx.signal);
      }
      const health: Health = healthOf(info);
      if (s.spec.healthcheck) ctx.log('system', `${s.name}: ${health}`);
      results.set(s, {
        service: s.service,
        name: s.name,
        action: s.action,
        container_id: id,
        state: info.State.Status,
        health,
        ...(s.reason ? { reason: s.reason } : {}),
      });
    }
    ctx.progress('converged', 100);
    return result(
      plan,
      plan.services.map((s) => results.get(s) as ServiceResult),
    ) as JsonObject;
  } catch (error) {
    asJobFailure(error);
  }
}
