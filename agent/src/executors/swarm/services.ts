/**
 * swarm.services, on the leader: the members' labels and roles (members.ts, a change that would lose
 * the Raft quorum refused first), the overlay networks, and every Swarm service of the stack, each
 * created or updated when its spec hash changed and then waited for until all its tasks run (or
 * its update rolled back, which fails the job with Swarm's reason). Services of the stack that the plan no longer has are removed, then their networks.
 * Every step reads what is there first, so a retried job converges to the same end state.
 */
import { existsSync } from 'node:fs';
import type { JsonObject } from '@bufbuild/protobuf';
import type { SwarmServicesParams, SwarmServicesResult } from '@kombify/proto/jobs';
import type Docker from 'dockerode';
import { asJobFailure, dockerClient } from '../../docker.ts';
import type { ExecContext } from '../context.ts';
import { LABEL } from '../converge/labels.ts';
import { JobFailure } from '../job-error.ts';
import { applyMembers, planMembers } from './members.ts';
import { hasRoutingMesh, type ServiceSpec, serviceSpec } from './service-spec.ts';
import { type ServiceProgress, waitForService } from './wait.ts';

type Outcome = SwarmServicesResult['services'][number];

const byStack = (stack: string) => ({ label: [`${LABEL.managed}=true`, `${LABEL.stack}=${stack}`] });

async function secretValues(
  params: SwarmServicesParams,
  ctx: ExecContext,
): Promise<Readonly<Record<string, string>>> {
  if (params.secrets.length === 0) return {};
  ctx.progress(`fetching ${params.secrets.length} secret(s) for this job`);
  const values = await ctx.fetchSecrets().catch((error: unknown) => {
    throw new JobFailure(
      'secrets_unavailable',
      `the job's secrets could not be fetched: ${error instanceof Error ? error.message : String(error)}`,
      true,
    );
  });
  const missing = params.secrets.filter((p) => values[p] === undefined);
  if (missing.length > 0)
    throw new JobFailure(
      'secrets_unavailable',
      `the edge did not deliver secret(s) ${missing.join(', ')}`,
      true,
    );
  return values;
}

async function applyNetworks(docker: Docker, params: SwarmServicesParams) {
  const existing = await docker.listNetworks({ filters: byStack(params.stack) });
  const out: SwarmServicesResult['networks'] = [];
  for (const n of params.networks) {
    if (existing.some((e) => e.Name === n.name)) {
      out.push({ name: n.name, action: 'unchanged' });
      continue;
    }
    await docker.createNetwork({
      Name: n.name,
      Driver: 'overlay',
      Attachable: n.attachable,
      CheckDuplicate: true,
      Labels: { [LABEL.managed]: 'true', [LABEL.stack]: params.stack },
      ...(n.subnet ? { IPAM: { Driver: 'default', Config: [{ Subnet: n.subnet }] } } : {}),
    });
    out.push({ name: n.name, action: 'create' });
  }
  return out;
}

async function upsert(docker: Docker, spec: ServiceSpec, existing: Docker.Service | undefined) {
  if (!existing) {
    await docker.createService(spec as unknown as Docker.CreateServiceOptions);
    return { action: 'create' as const };
  }
  const labels = (existing.Spec?.Labels ?? {}) as Record<string, string>;
  if (labels[LABEL.specHash] === spec.Labels[LABEL.specHash])
    return { action: 'unchanged' as const, before: null };
  const before = (existing as { UpdateStatus?: { StartedAt?: string } }).UpdateStatus?.StartedAt ?? '';
  // Unknown (a service from before the task hash) keeps the wait's bounded guess.
  const replaces =
    labels[LABEL.taskHash] === undefined ? undefined : labels[LABEL.taskHash] !== spec.Labels[LABEL.taskHash];
  await docker.getService(existing.ID).update({
    version: existing.Version?.Index,
    ...spec,
  } as unknown as Docker.ServiceSpec & {
    version: number;
  });
  return { action: 'update' as const, before, replaces };
}

/**
 * The plan step's view: what a run would create, update or remove, from the spec hashes, without
 * touching anything (and without secret values: a service using secrets is judged by the rest of
 * its spec). A node not yet leading a swarm would create everything.
 */
async function dryRun(
  docker: Docker,
  params: SwarmServicesParams,
  mesh: boolean,
): Promise<SwarmServicesResult> {
  const info = (await docker.info()) as { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } };
  const formed = info.Swarm?.LocalNodeState === 'active' && info.Swarm.ControlAvailable === true;
  // A role change that would lose the quorum fails the plan step: refused before approval.
  const members = formed ? await planMembers(docker, params) : { nodes: [], notes: [] };
  const existing = formed ? await docker.listServices({ filters: byStack(params.stack) }) : [];
  const networks = formed ? await docker.listNetworks({ filters: byStack(params.stack) }) : [];
  const services: Outcome[] = params.services.map((s) => {
    const found = existing.find((e) => e.Spec?.Name === s.name);
    const hash = serviceSpec(params.stack, s, {}, { mesh }).Labels[LABEL.specHash];
    const labels = (found?.Spec?.Labels ?? {}) as Record<string, string>;
    const action = !found
      ? 'create'
      : Object.keys(s.secret_env).length === 0 && labels[LABEL.specHash] === hash
        ? 'unchanged'
        : 'update';
    return {
      service: s.service,
      name: s.name,
      action,
      ...(action === 'update' && Object.keys(s.secret_env).length > 0
        ? { reason: 'uses secrets: compared when applied' }
        : {}),
    };
  });
  const wanted = new Set(params.services.map((s) => s.name));
  for (const e of existing.filter((e) => e.Spec?.Name && !wanted.has(e.Spec.Name)))
    services.push({
      service: ((e.Spec?.Labels ?? {}) as Record<string, string>)[LABEL.service] ?? '',
      name: e.Spec?.Name ?? e.ID,
      action: 'remove',
    });
  return {
    services,
    networks: params.networks.map((n) => ({
      name: n.name,
      action: networks.some((x) => x.Name === n.name) ? 'unchanged' : 'create',
    })),
    nodes: members.nodes,
    notes: formed ? members.notes : ['no swarm yet: swarm.init and the joins form it first'],
  };
}

export async function swarmServices(params: SwarmServicesParams, ctx: ExecContext): Promise<JsonObject> {
  const docker = dockerClient();
  try {
    if (params.dry_run)
      return (await dryRun(docker, params, hasRoutingMesh(existsSync))) as unknown as JsonObject;
    const values = await secretValues(params, ctx);
    const mesh = hasRoutingMesh(existsSync);
    const notes: string[] = mesh
      ? []
      : [
          'this kernel has no IPVS: services resolve by DNS round-robin and publish their ports in host mode (each port answers on the nodes running a task)',
        ];
    for (const n of notes) ctx.log('system', n);
    const { nodes, notes: memberNotes } = await applyMembers(docker, params);
    for (const n of memberNotes) ctx.log('system', n);
    notes.push(...memberNotes);
    const networks = await applyNetworks(docker, params);
    const existing = await docker.listServices({ filters: byStack(params.stack) });
    const services: Outcome[] = [];
    for (const [i, s] of params.services.entries()) {
      const spec = serviceSpec(params.stack, s, values, { mesh });
      const { action, before, replaces } = await upsert(
        docker,
        spec,
        existing.find((e) => e.Spec?.Name === s.name),
      );
      ctx.progress(
        `${action === 'unchanged' ? 'checking' : action === 'create' ? 'creating' : 'updating'} ${s.name}`,
        Math.round((i / Math.max(params.services.length, 1)) * 100),
      );
      const progress: ServiceProgress = (line) => ctx.log('system', `${s.name}: ${line}`);
      const tasks = await waitForService(
        docker,
        s.name,
        params.timeout_s,
        ctx.signal,
        progress,
        before,
        replaces,
      );
      services.push({
        service: s.service,
        name: s.name,
        action,
        tasks,
        ...(s.ports.length > 0 ? { publish_mode: mesh ? s.ports[0]!.mode : ('host' as const) } : {}),
      });
    }
    if (params.prune) {
      const wanted = new Set(params.services.map((s) => s.name));
      for (const e of existing.filter((e) => e.Spec?.Name && !wanted.has(e.Spec.Name))) {
        await docker.getService(e.ID).remove();
        const labels = (e.Spec?.Labels ?? {}) as Record<string, string>;
        services.push({ service: labels[LABEL.service] ?? '', name: e.Spec?.Name ?? e.ID, action: 'remove' });
      }
    }
    const result: SwarmServicesResult = { services, networks, nodes, notes };
    return result as unknown as JsonObject;
  } catch (error) {
    asJobFailure(error);
  }
}
