/**
 * The flow behind `plan`, `apply` and `destroy` on this machine:
 *
 *   generate (not for destroy) → secrets check → tofu init → tofu plan -json [-destroy] -out
 *   → (apply/destroy) confirm → tofu apply -json <saved plan>
 *
 * Applying the saved plan means what was shown is exactly what is applied. Every tofu call has
 * -input=false; init is bounded by --init-timeout so an unreachable registry cannot hang the run.
 * With --edge the work goes to the kombify edge instead (edge.ts).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from './args.ts';
import { type Context, display, invalidSpec, loadSpec } from './context.ts';
import { DeployRun, planFile } from './deploy-run.ts';
import { type DeployAction, edgeTarget, runOnEdge } from './edge.ts';
import { deployDir, generateInto } from './generate.ts';
import { missingSecrets } from './secrets.ts';
import { readState } from './state.ts';
import { findTool } from './tofu.ts';

function requireConfirmable(ctx: Context, action: DeployAction): void {
  if (action === 'plan' || ctx.args.autoApprove || ctx.io.stdin.isTTY) return;
  throw new CliError(
    `${action} asks you to type yes, but stdin is not a terminal; run it with --auto-approve to ${action} without asking`,
    { code: 'confirmation_required', exitCode: 2 },
  );
}

async function confirmed(ctx: Context, question: string): Promise<boolean> {
  if (ctx.args.autoApprove) return true;
  return ctx.ui.confirm(question);
}

/** The handler of `plan`, `apply` and `destroy`. */
export async function deploy(ctx: Context, action: DeployAction): Promise<number> {
  requireConfirmable(ctx, action);
  const edge = edgeTarget(ctx);
  if (edge) return deployOnEdge(ctx, action, edge);

  const { ui } = ctx;
  const dir = deployDir(ctx);
  const run = new DeployRun(ctx, action, dir);
  let stackName: string;
  if (action === 'destroy') {
    const state = readState(dir);
    if (!state || state.resources === 0) {
      if (ui.json) ui.result({ ok: true, ...run.details(), note: 'nothing to destroy' });
      else ui.info(`Nothing to destroy: no resources in the state in ${display(ctx, dir)}.`);
      return 0;
    }
    stackName = state.stack ?? 'the stack';
  } else {
    const loaded = loadSpec(ctx);
    const step = ui.step(`Generating ${display(ctx, dir)}`);
    try {
      const { plan, changes } = generateInto(ctx, loaded, dir);
      stackName = plan.stack.name;
      step.succeed(`${changes.filter((c) => c.status === 'written').length} file(s) written`);
    } catch (error) {
      step.fail();
      throw error;
    }
  }

  const missing = missingSecrets(dir, ctx.io.env);
  if (missing.length > 0) {
    throw run.fail(
      `${missing.length} secret(s) have no value: ${missing.join(', ')}. Set TF_VAR_<name> in the environment or write them to ${display(ctx, join(dir, 'secrets.auto.tfvars.json'))}`,
      'secrets_missing',
    );
  }

  run.tool = await findTool(ctx.io.env);
  if (!run.tool) {
    throw run.fail(
      'neither tofu nor terraform is on PATH; install OpenTofu (https://opentofu.org/docs/intro/install/)',
      'tool_missing',
    );
  }
  ui.debug(`using ${run.tool.name} ${run.tool.version ?? '(version unknown)'} at ${run.tool.path}`);

  try {
    await run.init();
    await run.plan(action !== 'plan');
    run.printChanges();
    const nothing = (run.summary?.add ?? 0) + (run.summary?.change ?? 0) + (run.summary?.remove ?? 0) === 0;
    if (action !== 'plan') {
      if (nothing) {
        ui.info('No changes.');
      } else {
        const question =
          action === 'destroy'
            ? `Destroy every resource of ${stackName} listed above?`
            : `Apply these changes to ${stackName}?`;
        if (!(await confirmed(ctx, question))) {
          throw run.fail(`${action} cancelled; nothing was changed`, 'cancelled');
        }
        await run.apply();
        const entries = Object.entries(run.outputs);
        if (entries.length > 0 && action === 'apply') {
          ui.print('Outputs:');
          for (const [k, v] of entries) ui.print(`  ${k} = ${typeof v === 'string' ? v : JSON.stringify(v)}`);
        }
      }
    }
  } finally {
    rmSync(join(dir, planFile), { force: true });
  }
  if (ui.json) ui.result({ ok: true, ...run.details(), outputs: run.outputs });
  return 0;
}

async function deployOnEdge(
  ctx: Context,
  action: DeployAction,
  target: NonNullable<ReturnType<typeof edgeTarget>>,
): Promise<number> {
  const loaded = loadSpec(ctx);
  if (!loaded.spec) throw invalidSpec(ctx, loaded);
  if (action !== 'plan') {
    const verb = action === 'apply' ? 'Deploy' : 'Destroy';
    if (!(await confirmed(ctx, `${verb} stack ${loaded.spec.name} through ${target.url}?`))) {
      throw new CliError(`${action} cancelled; nothing was sent`, { code: 'cancelled' });
    }
  }
  const outcome = await runOnEdge(ctx, target, action, loaded.text);
  if (ctx.ui.json) {
    ctx.ui.result({ ok: true, command: action, mode: 'edge', edge: target.url, ...outcome });
  } else {
    ctx.ui.print(
      `Stack ${String(outcome.stack.name ?? loaded.spec.name)} (${String(outcome.stack.id)}) on ${target.url}`,
    );
    if (outcome.action) ctx.ui.print(JSON.stringify(outcome.action, null, 2));
  }
  return 0;
}
