/**
 * tofu.apply: applies the plan file tofu.plan saved — only if its SHA-256 is the one the caller
 * approved — then reads the outputs. Sensitive outputs are reported without their value. The plan
 * file is removed afterwards (it holds a copy of the state, and is spent).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from '@bufbuild/protobuf';
import type { TofuApplyParams, TofuApplyResult } from '@kombify/proto/jobs';
import { outputsFrom } from '../tofu/json-log.ts';
import { openTofuSession } from '../tofu/tofu-session.ts';
import { fileSha256, inWorkDir, PLAN_FILE } from '../tofu/workdir.ts';
import type { ExecContext } from './context.ts';
import { JobFailure } from './job-error.ts';

export async function tofuApply(params: TofuApplyParams, ctx: ExecContext): Promise<JsonObject> {
  const tofu = await openTofuSession(ctx, params);
  return inWorkDir(tofu.dir, async () => {
    const planPath = join(tofu.dir, PLAN_FILE);
    const sha = await fileSha256(planPath);
    const where = `stack ${params.stack} (workspace ${params.workspace})`;
    if (!sha) {
      throw new JobFailure(
        'plan_mismatch',
        `there is no saved plan for ${where} on this node; run tofu.plan first, then apply its plan_sha256`,
      );
    }
    if (sha !== params.plan_sha256) {
      throw new JobFailure(
        'plan_mismatch',
        `the saved plan for ${where} has sha256 ${sha}, not the approved ${params.plan_sha256}: it was replaced by a newer plan; review and approve that one`,
      );
    }
    ctx.progress('applying the plan');
    const { summary } = await tofu.run([
      'apply',
      '-json',
      '-input=false',
      `-lock-timeout=${params.lock_timeout_s}s`,
      PLAN_FILE,
    ]);
    rmSync(planPath, { force: true });
    ctx.progress('reading outputs');
    const { stdout } = await tofu.run(['output', '-json'], { quiet: true });
    let outputs: TofuApplyResult['outputs'];
    try {
      outputs = outputsFrom(JSON.parse(stdout || '{}'));
    } catch {
      throw new JobFailure('tofu_failed', `${tofu.binary} output -json printed something that is not JSON`);
    }
    ctx.log('system', `outputs: ${Object.keys(outputs).join(', ') || 'none'}`);
    const result: TofuApplyResult = {
      outputs,
      changes: summary.changes ?? { add: 0, change: 0, destroy: 0 },
    };
    return result as unknown as JsonObject;
  });
}
