/**
 * node.bootstrap: a node's layer-1 setup (time zone, unattended upgrades, SSH hardening,
 * firewall, Docker daemon settings). Each step reads the node's state, computes the desired one,
 * changes the node only when they differ (and not in a dry run) and reports before/after, so a
 * second run with the same params changes nothing.
 *
 * A step that cannot be applied fails the job naming the step and why; the steps before it stay
 * applied (running the job again finishes the rest). A dry run looks at every step and fails
 * naming all the steps that could not be applied, so a plan shows every problem at once.
 */
import type { JsonObject } from '@bufbuild/protobuf';
import type { BootstrapStepParams, NodeBootstrapParams, NodeBootstrapResult } from '@kombify/proto/jobs';
import { dockerStep } from './bootstrap/docker-daemon.ts';
import { firewallStep } from './bootstrap/firewall.ts';
import { Host, type RunCommand, runCommand, StepError, type StepReport } from './bootstrap/host.ts';
import { packagesStep } from './bootstrap/packages.ts';
import { sshPorts, sshStep } from './bootstrap/ssh.ts';
import { timezoneStep } from './bootstrap/timezone.ts';
import type { ExecContext } from './context.ts';
import { JobFailure } from './job-error.ts';

export interface BootstrapDeps {
  /** Where the node's file system starts; default '/'. */
  root?: string;
  run?: RunCommand;
}

function runStep(s: BootstrapStepParams, host: Host, p: NodeBootstrapParams): Promise<StepReport> {
  switch (s.step) {
    case 'timezone':
      return timezoneStep(s.timezone, host, p.dry_run);
    case 'packages':
      return packagesStep(s.auto_updates, host, p.dry_run);
    case 'ssh-hardening':
      return sshStep(s, host, p.dry_run, p.ssh_keep_port);
    case 'firewall': {
      // The params guarantee one of the two for an enabled firewall, so the SSH port stays open.
      const ssh = p.steps.find((x) => x.step === 'ssh-hardening');
      const keep = p.ssh_keep_port;
      const ports = ssh ? sshPorts(ssh.port, keep) : keep !== undefined ? [keep] : [];
      return firewallStep(s, host, p.dry_run, ports);
    }
    case 'docker':
      return dockerStep(s, host, p.dry_run);
  }
}

const withNewline = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);

/** A changed step's before and after for the job's log, one after the other. */
function diffText(r: StepReport): string {
  return `--- ${r.step} before\n${withNewline(r.before)}+++ ${r.step} after\n${withNewline(r.after)}`;
}

export async function nodeBootstrap(
  params: NodeBootstrapParams,
  ctx: ExecContext,
  deps: BootstrapDeps = {},
): Promise<JsonObject> {
  const host = new Host(deps.root ?? '/', deps.run ?? runCommand);
  const verb = params.dry_run ? 'would change' : 'changed';
  const reports: StepReport[] = [];
  const failures: string[] = [];
  for (const [i, s] of params.steps.entries()) {
    if (ctx.signal.aborted) throw new JobFailure('cancelled', `cancelled before the ${s.step} step`);
    ctx.progress(`${s.step}`, Math.round((i / params.steps.length) * 100));
    try {
      const report = await runStep(s, host, params);
      reports.push(report);
      ctx.log(
        'system',
        `${s.step}: ${report.changed ? verb : 'unchanged'}${report.detail ? ` (${report.detail})` : ''}`,
      );
      if (report.changed) ctx.log('stdout', diffText(report));
    } catch (error) {
      if (!(error instanceof StepError)) throw error;
      ctx.log('stderr', `${s.step}: ${error.message}`);
      failures.push(`${s.step}: ${error.message}`);
      if (!params.dry_run) {
        const done = reports.filter((r) => r.changed).map((r) => r.step);
        const applied = done.length > 0 ? ` (already applied: ${done.join(', ')})` : '';
        throw new JobFailure('bootstrap_failed', `${failures[0]}${applied}`);
      }
    }
  }
  if (failures.length > 0) throw new JobFailure('bootstrap_failed', `dry run: ${failures.join('; ')}`);
  ctx.progress('done', 100);
  const result: NodeBootstrapResult = { steps: reports, changed: reports.filter((r) => r.changed).length };
  return result;
}
