/**
 * Starting a step: the local steps (validate, resolve, generate, approval) run to their end here;
 * a job step (prechecks, plan, apply, verify, remove) writes its jobs, which `step-jobs.ts` sends.
 */
import { isJobType, parseJobParams } from '@kombify/proto/jobs';
import { randomId } from '../../platform/ids.ts';
import { generateArtifacts } from './artifacts.ts';
import { completeStep, type EngineDeps, event, planOf, StepError } from './engine-deps.ts';
import { describeMissing, secretUses, withSecretRevs } from './secret-revs.ts';
import type { Artifacts, StepRecord, WfJobRecord, WorkflowRecord } from './stack-store.ts';
import * as store from './stack-store.ts';
import { droppedMemberJobs, withDroppedMembers } from './swarm-dropped.ts';

/** The converge jobs with each secret-using service's `secret_rev`; an unset secret fails the step. */
async function pinSecrets(deps: EngineDeps, artifacts: Artifacts): Promise<Artifacts> {
  const uses = secretUses(artifacts.converge);
  if (uses.length === 0) return artifacts;
  const versions = deps.secretVersions
    ? await deps.secretVersions([...new Set(uses.map((u) => u.path))])
    : new Map<string, number>();
  const missing = uses.filter((u) => !versions.has(u.path));
  if (missing.length > 0) throw new StepError('unknown_secret', describeMissing(missing));
  return {
    ...artifacts,
    converge: await withSecretRevs(artifacts.converge, versions),
    secret_versions: Object.fromEntries(uses.map((u) => [u.path, versions.get(u.path) as number])),
  };
}

/** Runs a local step to its end, or writes the jobs of a job step. */
export async function startStep(deps: EngineDeps, wf: WorkflowRecord, step: StepRecord): Promise<void> {
  try {
    switch (step.name) {
      case 'validate': {
        const version = store.getVersion(deps.sql, wf.version);
        planOf(deps, wf);
        completeStep(deps, wf, step, 'succeeded', {
          version: wf.version,
          name: version?.name,
          kit: version?.kit,
        });
        return;
      }
      case 'resolve': {
        const { plan } = planOf(deps, wf);
        completeStep(deps, wf, step, 'succeeded', {
          kit: plan.stack.kit,
          variant: plan.stack.variant,
          nodes: plan.nodes.map((n) => ({ name: n.name, containers: n.containers.map((c) => c.service) })),
          notes: plan.notes,
        });
        return;
      }
      case 'generate': {
        const { plan, version } = planOf(deps, wf);
        const artifacts = withDroppedMembers(
          deps.sql,
          await pinSecrets(deps, generateArtifacts(deps.stackId, plan, version)),
        );
        const missing = [
          ...new Set([
            ...artifacts.converge.map((c) => c.node),
            ...(artifacts.swarm?.members.map((m) => m.node) ?? []),
            ...(artifacts.tofu ? [artifacts.tofu.node] : []),
          ]),
        ].filter((n) => !wf.workers[n]);
        if (missing.length > 0) {
          throw new StepError('unbound_node', `no worker is bound to node(s) ${missing.join(', ')}`);
        }
        store.updateWorkflow(deps.sql, wf.id, { artifacts });
        completeStep(deps, wf, step, 'succeeded', {
          converge_jobs: artifacts.converge.length,
          verify_checks: artifacts.verify.reduce((n, v) => n + (v.params.checks as unknown[]).length, 0),
          tofu: artifacts.tofu !== null,
          ...(artifacts.swarm
            ? {
                swarm: {
                  leader: artifacts.swarm.leader,
                  members: artifacts.swarm.members.length,
                  services: (artifacts.swarm.services.params.services as unknown[]).length,
                  ...(artifacts.swarm.dropped ? { leaving: artifacts.swarm.dropped.map((d) => d.node) } : {}),
                },
              }
            : {}),
        });
        return;
      }
      case 'approval': {
        if (wf.options.auto_approve || wf.options.force) {
          completeStep(deps, wf, step, 'skipped', { approved_by: 'auto_approve' });
          return;
        }
        store.updateStep(deps.sql, wf.id, step.index, { status: 'waiting' });
        store.updateWorkflow(deps.sql, wf.id, { status: 'awaiting_approval' });
        event(
          deps,
          wf.id,
          'step.waiting',
          'waiting for approval (POST /v1/orchestrator/workflows/{id}/approve or /reject)',
          {
            step: step.name,
            data: { plan: store.getStep(deps.sql, wf.id, step.index - 1)?.detail ?? null },
          },
        );
        return;
      }
      default: {
        const specs = await jobSpecs(deps, wf, step);
        // The agent checks params again; checking here fails the step before anything is sent.
        for (const s of specs) {
          const checked = isJobType(s.type) ? parseJobParams(s.type, s.params) : null;
          if (checked && !checked.ok) {
            throw new StepError(
              'invalid_job',
              `${s.type} for node ${s.node}: ${checked.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
            );
          }
        }
        if (specs.length === 0) {
          completeStep(deps, wf, step, 'succeeded', { note: 'nothing to do' });
          return;
        }
        specs.forEach((s, ord) => {
          store.insertJob(
            deps.sql,
            {
              id: randomId('job'),
              workflowId: wf.id,
              stepIndex: step.index,
              ord,
              node: s.node,
              // A member the plan dropped is not bound any more: its job names the worker it ran on.
              workerId: s.workerId ?? wf.workers[s.node]!,
              type: s.type,
              params: s.params,
              deadline: deps.now() + deps.jobTimeoutMs,
            },
            deps.now(),
          );
        });
        return;
      }
    }
  } catch (error) {
    const e = error instanceof StepError ? error : new StepError('step_error', (error as Error).message);
    completeStep(deps, wf, step, 'failed', null, { code: e.code, message: e.message });
    return;
  }
}

/** A job a step sends: to the node's bound worker, or to `workerId` (a member the plan dropped). */
type JobSpec = { node: string; type: string; params: Record<string, unknown>; workerId?: string };

async function jobSpecs(deps: EngineDeps, wf: WorkflowRecord, step: StepRecord): Promise<JobSpec[]> {
  const a = wf.artifacts as Artifacts;
  const tofuBase = async () => ({
    stack: deps.stackId,
    ...(deps.tofuBackend ? { backend: await deps.tofuBackend() } : {}),
  });
  const tofuApply = async () => {
    const planned = planStepJobs(deps, wf).find((j) => j.type === 'tofu.plan');
    const sha = (planned?.result as { plan_sha256?: string } | null)?.plan_sha256;
    return {
      node: a.tofu!.node,
      type: 'tofu.apply',
      params: { ...(await tofuBase()), plan_sha256: sha ?? '' },
    };
  };
  const destroy = wf.kind === 'destroy';
  switch (step.name) {
    case 'prechecks':
      return a.prechecks.map((p) => ({ node: p.node, type: 'node.prechecks', params: p.params }));
    case 'plan': {
      const jobs: JobSpec[] = destroy
        ? []
        : [
            ...a.converge.map((c) => ({
              node: c.node,
              type: 'stack.converge',
              params: { ...c.params, dry_run: true },
            })),
            // What the swarm's services would do (a dry run fetches no secrets).
            ...(a.swarm
              ? [
                  {
                    node: a.swarm.services.node,
                    type: 'swarm.services',
                    params: { ...a.swarm.services.params, dry_run: true },
                  },
                ]
              : []),
          ];
      if (a.tofu) {
        jobs.push({
          node: a.tofu.node,
          type: 'tofu.plan',
          params: {
            ...(await tofuBase()),
            files: a.tofu.files,
            ...(a.tofu.vars ? { vars: a.tofu.vars } : {}),
            ...(destroy ? { destroy: true } : {}),
          },
        });
      }
      return jobs;
    }
    case 'apply': {
      const dropped = await droppedMemberJobs(
        a.swarm,
        deps.stackId,
        deps.dispatcher.connected?.bind(deps.dispatcher),
      );
      for (const node of dropped.skipped)
        event(
          deps,
          wf.id,
          'step.note',
          `${node} left the plan but its worker is offline: it cannot leave the swarm itself; the leader forgets it once it shows down`,
          { step: step.name },
        );
      // The swarm is formed first and its services applied last, after the plain containers.
      const jobs: JobSpec[] = [
        ...swarmFormJobs(a.swarm),
        ...a.converge.map((c) => ({ node: c.node, type: 'stack.converge', params: c.params })),
        ...(a.swarm
          ? [{ node: a.swarm.services.node, type: 'swarm.services', params: a.swarm.services.params }]
          : []),
        ...dropped.jobs,
      ];
      if (a.tofu) jobs.push(await tofuApply());
      return jobs;
    }
    case 'verify':
      return [
        ...a.verify.map((v) => ({ node: v.node, type: 'stack.verify', params: v.params })),
        ...(a.swarm
          ? [{ node: a.swarm.verify.node, type: 'swarm.verify', params: a.swarm.verify.params }]
          : []),
      ];
    case 'remove': {
      // A swarm member's engine is the stack's alone: everything of the stack on it goes (the
      // volumes Swarm made for tasks carry no node label); a plain node's by its node label.
      const members = new Set(a.swarm?.members.map((m) => m.node) ?? []);
      const removed = [...new Set([...a.converge.map((c) => c.node), ...members])];
      const jobs: JobSpec[] = [
        ...(a.swarm ? [{ node: a.swarm.leader, type: 'swarm.remove', params: { stack: deps.stackId } }] : []),
        ...removed.map((node) => ({
          node,
          type: 'stack.remove',
          params: {
            stack: deps.stackId,
            ...(members.has(node) ? {} : { node }),
            volumes: wf.options.volumes ?? false,
          },
        })),
        ...swarmLeaveJobs(a.swarm, deps.stackId),
      ];
      // Applies the reviewed `plan -destroy` from this run's plan step.
      if (a.tofu) jobs.push(await tofuApply());
      return jobs;
    }
    default:
      throw new StepError('unknown_step', `unknown step ${step.name}`);
  }
}

/** swarm.init on the leader, then swarm.join on the other managers and the workers, in order. */
function swarmFormJobs(swarm: Artifacts['swarm']) {
  if (!swarm) return [];
  return [
    { node: swarm.init.node, type: 'swarm.init', params: swarm.init.params },
    ...swarm.joins.map((j) => ({ node: j.node, type: 'swarm.join', params: j.params })),
  ];
}

/** Workers leave first, then the managers, the leader last (the swarm ends with it). */
function swarmLeaveJobs(swarm: Artifacts['swarm'], stack: string) {
  if (!swarm) return [];
  return [...swarm.members].reverse().map((m) => ({ node: m.node, type: 'swarm.leave', params: { stack } }));
}

export function planStepJobs(deps: EngineDeps, wf: WorkflowRecord): WfJobRecord[] {
  const steps = store.listSteps(deps.sql, wf.id);
  const plan = steps.find((s) => s.name === 'plan');
  return plan ? store.jobsOf(deps.sql, wf.id, plan.index) : [];
}
