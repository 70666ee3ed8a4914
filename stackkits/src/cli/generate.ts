/**
 * `stackkit generate`: the OpenTofu files, plan.json and jobs.json in the deployment directory.
 *
 * Idempotent: a file whose bytes are unchanged is not rewritten (its mtime stays), and files an
 * earlier run wrote that this run no longer produces (say variables.tf.json after the last secret
 * went) are removed — only those: `.stackkit-manifest.json` lists what stackkit wrote, so user files
 * and tofu's own (.terraform/, state, lock file) are never touched.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { type Plan, type ResolveOptions, serializePlan, toJobPlan, toOpenTofu } from '../index.ts';
import {
  type Context,
  display,
  imageOptions,
  type LoadedSpec,
  loadSpec,
  pathIn,
  resolvePlan,
} from './context.ts';
import { cliVersion } from './version.ts';

export const manifestName = '.stackkit-manifest.json';
export const manifestFormat = 'kombify.stackkit-deploy/v1';

export interface Manifest {
  format: typeof manifestFormat;
  generator: string;
  /** The spec, relative to the deployment directory, and the sha256 of its bytes. */
  spec: { file: string; sha256: string };
  options: ResolveOptions;
  stack: { name: string; kit: string; variant: string };
  files: string[];
}

export interface FileChange {
  file: string;
  bytes: number;
  status: 'written' | 'unchanged' | 'removed';
}

/** Everything generated from a plan, by file name (the golden tests' set). */
export function artifacts(plan: Plan): Record<string, string> {
  return {
    ...toOpenTofu(plan),
    'plan.json': serializePlan(plan),
    'jobs.json': `${JSON.stringify(toJobPlan(plan), null, 2)}\n`,
  };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function readManifest(dir: string): Manifest | undefined {
  try {
    const data = JSON.parse(readFileSync(join(dir, manifestName), 'utf8'));
    return data?.format === manifestFormat && Array.isArray(data.files) ? (data as Manifest) : undefined;
  } catch {
    return undefined;
  }
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Writes files into dir (only when their bytes differ) and removes the previous run's leftovers. */
export function writeFiles(
  dir: string,
  files: Record<string, string>,
  previous: readonly string[],
): FileChange[] {
  mkdirSync(dir, { recursive: true });
  const changes: FileChange[] = [];
  for (const [file, text] of Object.entries(files)) {
    const path = join(dir, file);
    const same = readOrUndefined(path) === text;
    if (!same) writeFileSync(path, text);
    changes.push({ file, bytes: Buffer.byteLength(text), status: same ? 'unchanged' : 'written' });
  }
  for (const file of previous) {
    // Only plain names from our own manifest: never a path that leaves the directory.
    if (Object.hasOwn(files, file) || file.includes('/') || file.includes('\\') || file.startsWith('.'))
      continue;
    rmSync(join(dir, file), { force: true });
    changes.push({ file, bytes: 0, status: 'removed' });
  }
  return changes;
}

export interface Generated {
  dir: string;
  plan: Plan;
  changes: FileChange[];
}

/** Resolves the loaded spec and writes the deployment directory. */
export function generateInto(ctx: Context, loaded: LoadedSpec, dir: string): Generated {
  const options = imageOptions(ctx);
  const plan = resolvePlan(ctx, loaded, options);
  const files = artifacts(plan);
  const manifest: Manifest = {
    format: manifestFormat,
    generator: `stackkit ${cliVersion()}`,
    spec: { file: relative(dir, loaded.path).split(sep).join('/'), sha256: sha256(loaded.text) },
    options,
    stack: { name: plan.stack.name, kit: plan.stack.kit, variant: plan.stack.variant },
    files: Object.keys(files).sort(),
  };
  const previous = readManifest(dir)?.files ?? [];
  const changes = writeFiles(
    dir,
    { ...files, [manifestName]: `${JSON.stringify(manifest, null, 2)}\n` },
    previous,
  );
  return { dir, plan, changes };
}

export function deployDir(ctx: Context): string {
  return pathIn(ctx, ctx.args.output ?? 'deploy');
}

export async function generate(ctx: Context): Promise<number> {
  const loaded = loadSpec(ctx);
  const { dir, plan, changes } = generateInto(ctx, loaded, deployDir(ctx));
  const shown = display(ctx, dir);
  if (ctx.ui.json) {
    ctx.ui.result({
      ok: true,
      dir: shown,
      stack: { name: plan.stack.name, kit: plan.stack.kit, variant: plan.stack.variant },
      files: changes,
    });
    return 0;
  }
  const count = (status: FileChange['status']) => changes.filter((c) => c.status === status).length;
  const removed = count('removed');
  ctx.ui.info(
    `Generated ${plan.stack.name} (${plan.stack.kit}, ${plan.stack.variant}) into ${shown}: ${count('written')} written, ${count('unchanged')} unchanged${removed ? `, ${removed} removed` : ''}`,
  );
  for (const c of changes) {
    const mark =
      c.status === 'written'
        ? ctx.ui.out('green', 'wrote    ')
        : c.status === 'removed'
          ? ctx.ui.out('yellow', 'removed  ')
          : 'unchanged';
    ctx.ui.info(`  ${mark} ${join(shown, c.file)}${c.status === 'removed' ? '' : ` (${c.bytes} bytes)`}`);
  }
  return 0;
}
