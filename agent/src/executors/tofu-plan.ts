/**
 * tofu.plan: writes the stack's OpenTofu files into its working directory, initialises the state
 * backend, and saves a plan (`-destroy` for a destroy). The plan file's SHA-256 is what a later
 * tofu.apply must name, so exactly the reviewed plan is applied.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from '@bufbuild/protobuf';
import type { TofuPlanParams, TofuPlanResult } from '@kombify/proto/jobs';
import { BACKEND_BLOCK, BACKEND_FILE, varFileArgs } from '../tofu/tofu-env.ts';
import { openTofuSession } from '../tofu/tofu-session.ts';
import { fileSha256, inWorkDir, PLAN_FILE, syncFiles } from '../tofu/workdir.ts';
import type { ExecContext } from './context.ts';
import { JobFailure } from './job-error.ts';

export async function tofuPlan(params: TofuPlanParams, ctx: ExecContext): Promise<JsonObject> {
  const tofu = await openTofuSession(ctx, params);
  return inWorkDir(tofu.dir, async () => {
    ctx.progress('writing OpenTofu files');
    const { written, removed } = syncFiles(
      tofu.dir,
      params.files,
      params.backend ? { [BACKEND_FILE]: BACKEND_BLOCK } : {},
    );
    ctx.log(
      'system',
      `wrote ${written.join(', ')}${removed.length ? `; removed ${removed.join(', ')} (no longer in the stack)` : ''}`,
    );
    // A failed plan must not leave an older plan behind for an apply to find.
    rmSync(join(tofu.dir, PLAN_FILE), { force: true });

    ctx.progress(`${tofu.binary} init`);
    await tofu.run(['init', '-input=false', '-no-color', '-reconfigure']);
    ctx.progress(params.destroy ? 'planning the destroy' : 'planning');
    const { summary } = await tofu.run([
      'plan',
      '-json',
      '-input=false',
      `-lock-timeout=${params.lock_timeout_s}s`,
      `-out=${PLAN_FILE}`,
      ...varFileArgs(Object.keys(params.files)),
      ...(params.destroy ? ['-destroy'] : []),
    ]);
    const sha = await fileSha256(join(tofu.dir, PLAN_FILE));
    if (!sha) throw new JobFailure('tofu_failed', `${tofu.binary} plan succeeded but wrote no plan file`);
    const result: TofuPlanResult = {
      plan_sha256: sha,
      changes: summary.changes ?? { add: 0, change: 0, destroy: 0 },
      resources: summary.resources,
      binary: tofu.binary,
      version: tofu.version,
    };
    return result as unknown as JsonObject;
  });
}
