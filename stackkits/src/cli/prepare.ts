/** `stackkit prepare`: validate, resolve, then check this machine as the deployment target. */
import { type Check, type CheckStatus, runChecks } from './checks.ts';
import { type Context, loadSpec, resolvePlan } from './context.ts';

const labels: Record<CheckStatus, [string, 'green' | 'red' | 'yellow' | 'dim']> = {
  passed: ['passed ', 'green'],
  failed: ['failed ', 'red'],
  warning: ['warning', 'yellow'],
  skipped: ['skipped', 'dim'],
};

export function summarize(checks: readonly Check[]): Record<CheckStatus, number> {
  const out: Record<CheckStatus, number> = { passed: 0, failed: 0, warning: 0, skipped: 0 };
  for (const c of checks) out[c.status] += 1;
  return out;
}

export async function prepare(ctx: Context): Promise<number> {
  const { ui } = ctx;
  const loaded = loadSpec(ctx);
  const plan = resolvePlan(ctx, loaded);
  ui.info(
    `${loaded.shown} is valid: stack ${plan.stack.name}, kit ${plan.stack.kit} (variant ${plan.stack.variant}), ${plan.nodes.length} node(s)`,
  );
  const step = ui.step('Checking this machine (Docker, OpenTofu, ports, SSH, resources)');
  const checks = await runChecks(plan, ctx.io.env);
  const counts = summarize(checks);
  const ready = counts.failed === 0;
  if (ready) step.succeed();
  else step.fail(`${counts.failed} failed`);
  if (ui.json) {
    ui.result({
      ok: ready,
      file: loaded.shown,
      stack: { name: plan.stack.name, kit: plan.stack.kit, variant: plan.stack.variant },
      checks,
      summary: counts,
    });
    return ready ? 0 : 1;
  }
  const width = Math.max(...checks.map((c) => c.name.length));
  for (const c of checks) {
    if (ui.quiet && c.status !== 'failed') continue;
    const [label, color] = labels[c.status];
    ui.print(`  ${ui.out(color, label)}  ${c.name.padEnd(width)}  ${c.message}`);
  }
  const tally = (Object.keys(counts) as CheckStatus[])
    .filter((k) => counts[k] > 0)
    .map((k) => `${counts[k]} ${k}`)
    .join(', ');
  if (ready) ui.info(`Ready to deploy: ${tally}.`);
  else ui.error(`not ready: ${tally}.`);
  return ready ? 0 : 1;
}
