/**
 * stack.converge: bring one node's part of a stack to the desired state (ORCH-CONTRACT.md).
 *
 * observe → plan (pure, converge/diff.ts) → [dry run: return the plan] → images → remove replaced
 * and orphaned containers → networks → volumes → create the new containers (all at once) → start
 * them in the given (dependency) order, waiting for each one with a health check until it is
 * healthy, unhealthy or a bound from its check settings (converge/health.ts) before the next one
 * starts; the result reports each service's state and health, and an unhealthy service does not
 * fail the job (stack.verify judges). Every step reads what is there first, so a redelivered or
 * retried job converges to the same end state instead of doubling it.
 */
import type { JsonObject } from '@bufbuild/protobuf';
import type { ConvergeService, StackConvergeParams, StackConvergeResult } from '@kombify/proto/jobs';
import { asJobFailure, dockerClient } from '../docker.ts';
import type { ExecContext } from './context.ts';
import {
  applyNetworks,
  createContainer,
  removeContainer,
  type Startable,
  startContainer,
} from './converge/apply.ts';
import type { Materialized } from './converge/container-options.ts';
import { type ConvergePlan, planConverge, type ServiceAction } from './converge/diff.ts';
import { type FileDirs, fileDirs, placeFiles, pruneFiles } from './converge/files.ts';
import { type Health, healthOf, healthWaitMs, waitForHealth } from './converge/health.ts';
import { ensureImages } from './converge/images.ts';
import { stackLabels } from './converge/labels.ts';
import { observe } from './converge/observe.ts';
import { JobFailure } from './job-error.ts';

type ServiceResult = StackConvergeResult['services'][number];

function usesSecrets(spec: ConvergeService | undefined): boolean {
  return Object.keys(spec?.secret_env ?? {}).length > 0 || (spec?.files ?? []).some((f) => f.secret);
}

/** The job's secret values, fetched once with the job's lease; paths only ever go to the log. */
async function fetchValues(params: StackConvergeParams, ctx: ExecContext): Promise<Record<string, string>> {
  ctx.progress(`fetching ${params.secrets.length} secret(s) for this job`);
  let values: Readonly<Record<string, string>>;
  try {
    values = await ctx.fetchSecrets();
  } catch (error) {
    // A refused grant (lease ended, already used) or the edge away: a retry gets a new lease.
    throw new JobFailure(
      'secrets_unavailable',
      `the job's secrets could not be fetched: ${error instanceof Error ? error.message : String(error)}`,
      true,
    );
  }
  const missing = params.secrets.filter((p) => values[p] === undefined);
  if (missing.length > 0) {
    throw new JobFailure(
      'secrets_unavailable',
      `the edge did not deliver secret(s) ${missing.join(', ')}`,
      true,
    );
  }
  ctx.log('system', `fetched secret(s) ${params.secrets.join(', ')} for this job`);
  return { ...values };
}

/** The service's secret env entries and file binds, made for its container's creation. */
function materialize(
  dirs: FileDirs,
  stack: string,
  spec: ConvergeService,
  values: Readonly<Record<string, string>>,
): Materialized {
  return {
    secretEnv: Object.entries(spec.secret_env ?? {}).map(([name, path]) => `${name}=${values[path] ?? ''}`),
    fileBinds: placeFiles(dirs, stack, spec, values),
  };
}

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

    const steps = plan.services.length + 2;
    let done = 0;
    const step = (message: string) => {
      ctx.signal.throwIfAborted();
      ctx.progress(message, Math.round((100 * done++) / steps));
    };

    // Old containers go first (their names and ports are needed again); they do not depend on
    // each other, so they go at once.
    step('removing replaced and orphaned containers');
    const results = new Map<ServiceAction, ServiceResult>();
    await Promise.all(
      plan.services.map(async (s) => {
        if ((s.action !== 'remove' && s.action !== 'update') || !s.existing) return;
        await removeContainer(docker, s.existing.id);
        ctx.log('system', `removed container ${s.name} (${s.existing.id.slice(0, 12)})`);
        if (s.action === 'remove') {
          results.set(s, {
            service: s.service,
            name: s.name,
            action: 'remove',
            container_id: s.existing.id,
            state: 'removed',
            ...(s.reason ? { reason: s.reason } : {}),
          });
        }
      }),
    );

    step('networks and volumes');
    await applyNetworks(docker, params, plan, ctx);
    await Promise.all(
      plan.volumes
        .filter((v) => v.action === 'create')
        .map(async (v) => {
          ctx.log('system', `creating volume ${v.name}`);
          await docker.createVolume({ Name: v.name, Labels: stackLabels(params.stack, params.node) });
        }),
    );

    // Secrets are fetched only when a container that uses them is (re)made or started again.
    const startable = toStart.filter((s): s is Startable => s.spec !== undefined);
    const restarting = plan.services.filter((s) => s.start && s.action === 'unchanged' && s.spec);
    const dirs = fileDirs();
    const values = [...startable, ...restarting].some((s) => usesSecrets(s.spec))
      ? await fetchValues(params, ctx)
      : {};
    for (const s of restarting) {
      // A node restart empties the tmpfs: put the secret files back before the container starts.
      if (s.spec?.files?.some((f) => f.secret)) placeFiles(dirs, params.stack, s.spec, values);
    }

    // Creating is independent per container, so all are created at once; starting follows the
    // given (dependency) order, each health-checked service waited for before the next starts.
    const created = new Map<ServiceAction, string>();
    const creating = await Promise.allSettled(
      startable.map(async (s) =>
        created.set(
          s,
          await createContainer(docker, params, s, materialize(dirs, params.stack, s.spec, values)),
        ),
      ),
    );
    const failure = creating.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      await Promise.all([...created.values()].map((id) => removeContainer(docker, id).catch(() => {})));
      throw failure.reason;
    }

    for (const [index, s] of plan.services.entries()) {
      if (s.action === 'remove' || !s.spec) continue;
      let id = s.existing?.id ?? '';
      const fresh = created.get(s);
      try {
        if (fresh) {
          step(`starting ${s.name}`);
          id = fresh;
          await startContainer(docker, { ...s, spec: s.spec }, id);
          ctx.log('system', `started ${s.name} (${id.slice(0, 12)}) from ${s.spec.image}`);
        } else if (s.start) {
          step(`starting ${s.name}`);
          await docker.getContainer(id).start();
          ctx.log('system', `started ${s.name} again (it was ${s.existing?.state})`);
        }
      } catch (error) {
        // Nothing half-made: the containers this job created and did not start go again.
        const unstarted = plan.services.slice(index + 1).flatMap((later) => created.get(later) ?? []);
        await Promise.all(unstarted.map((c) => removeContainer(docker, c).catch(() => {})));
        throw error;
      }
      let info = await docker.getContainer(id).inspect();
      if (s.spec.healthcheck && (fresh || s.start) && healthOf(info) === 'starting') {
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
    pruneFiles(dirs, params.stack, params.services);
    ctx.progress('converged', 100);
    return result(
      plan,
      plan.services.map((s) => results.get(s) as ServiceResult),
    ) as JsonObject;
  } catch (error) {
    asJobFailure(error);
  }
}
