/**
 * `stackkit import <compose.yml> [-f more.yml …] [--env-file f] [--profile p] [--kit k]
 * [--node n] [-o kombination.yaml]`: compose file(s) → kombination.yaml through importCompose.
 * The output file is merged into when it exists (services added, names kept unique). Exit 0 when
 * a valid spec was written (warnings allowed), 1 when not (nothing is written), 2 on usage errors.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { type ComposeIssue, importCompose, type KitName, kitNames, maxComposeBytes } from '../index.ts';
import { CliError, UsageError } from './args.ts';
import { type Context, display, pathIn } from './context.ts';
import { storeSecrets, writeAtomically } from './write-spec.ts';

/** Reads a file the user named; too large or missing is a CliError (exit 1), with nothing written. */
function readInput(ctx: Context, path: string, what: string): string {
  const shown = display(ctx, path);
  try {
    if (statSync(path).size > maxComposeBytes) {
      throw new CliError(`${shown}: ${what} is larger than ${maxComposeBytes / 1024 / 1024} MiB`, {
        code: 'invalid_compose',
      });
    }
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`${shown}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`, {
      code: 'compose_missing',
    });
  }
}

export function formatIssue(kind: 'error' | 'warning', issue: ComposeIssue): string {
  return `${issue.file}:${issue.line ?? 1}:${issue.column ?? 1} ${kind} ${issue.code} ${issue.path || '<root>'} ${issue.message}`;
}

export async function importCommand(ctx: Context): Promise<number> {
  const { args, ui } = ctx;
  const first = args.rest[0];
  if (!first)
    throw new UsageError('a compose file is required: stackkit import <compose.yml> [-f more.yml …]');
  if (args.kit !== undefined && !(kitNames as readonly string[]).includes(args.kit)) {
    throw new UsageError(`unknown StackKit "${args.kit}"; kits: ${kitNames.join(', ')}`);
  }
  const paths = [first, ...args.files].map((f) => pathIn(ctx, f));
  const projectDir = dirname(paths[0]!);
  const files = paths.map((p) => ({ name: display(ctx, p), text: readInput(ctx, p, 'the compose file') }));
  const envPath = args.envFile ? pathIn(ctx, args.envFile) : resolvePath(projectDir, '.env');
  const env = args.envFile || existsSync(envPath) ? readInput(ctx, envPath, 'the .env file') : undefined;
  const out = pathIn(ctx, args.output ?? args.spec ?? 'kombination.yaml');
  const shownOut = display(ctx, out);
  const into = existsSync(out) ? readFileSync(out, 'utf8') : undefined;

  const step = ui.json ? null : ui.step(`Importing ${files.map((f) => f.name).join(', ')}`);
  const result = importCompose({
    files,
    ...(env !== undefined ? { env } : {}),
    ...(args.profiles.length > 0 ? { profiles: args.profiles } : {}),
    ...(args.kit ? { kit: args.kit as KitName } : {}),
    ...(args.node ? { node: args.node } : {}),
    ...(into !== undefined ? { into } : {}),
    projectDir,
    readFile: (p) => {
      try {
        const abs = resolvePath(projectDir, p);
        return statSync(abs).size > maxComposeBytes ? undefined : readFileSync(abs, 'utf8');
      } catch {
        return undefined;
      }
    },
  });
  const ok = result.errors.length === 0 && result.yaml !== undefined;
  let stored: string[] = [];
  if (ok) {
    writeAtomically(out, result.yaml!);
    if (Object.keys(result.secretValues).length > 0)
      stored = storeSecrets(pathIn(ctx, 'deploy'), result.secretValues).stored;
  }
  const secrets = result.secrets.map((s) => ({
    ...s,
    stored: stored.includes(s.ref) || Object.hasOwn(result.secretValues, s.ref),
  }));
  if (ui.json) {
    ui.result({
      ok,
      file: shownOut,
      merged: into !== undefined,
      spec: result.spec ?? null,
      services: result.services,
      secrets,
      warnings: result.warnings,
      errors: result.errors,
    });
    return ok ? 0 : 1;
  }
  for (const w of result.warnings) ctx.io.stderr.write(`${formatIssue('warning', w)}\n`);
  for (const e of result.errors) ctx.io.stderr.write(`${formatIssue('error', e)}\n`);
  if (!ok) {
    step?.fail(`${result.errors.length} problem${result.errors.length === 1 ? '' : 's'}; nothing written`);
    return 1;
  }
  step?.succeed(
    `${result.services.length} service${result.services.length === 1 ? '' : 's'}, ${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'}`,
  );
  ui.info(`${into !== undefined ? 'Added to' : 'Wrote'} ${shownOut}: ${result.services.join(', ')}`);
  for (const s of secrets) {
    ui.info(
      `  secret ${s.ref} (${s.from})${s.stored ? ' — value stored in deploy/secrets.auto.tfvars.json' : ' — set its value before deploying'}`,
    );
  }
  ui.info('Next: stackkit validate && stackkit plan');
  return 0;
}
