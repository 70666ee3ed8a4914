/**
 * What every command handler gets: the parsed arguments, the UI, the working directory after
 * `-C`, and helpers to read the spec and print its errors.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve as resolvePath } from 'node:path';
import { type Plan, parseSpec, type ResolveOptions, resolve, type Spec, type SpecError } from '../index.ts';
import { type CliArgs, CliError, UsageError } from './args.ts';
import type { Io, Ui } from './ui.ts';

export interface Context {
  args: CliArgs;
  io: Io;
  ui: Ui;
  /** The working directory: `-C` resolved against the process's. */
  dir: string;
}

export function makeContext(args: CliArgs, io: Io, ui: Ui): Context {
  const dir = resolvePath(io.cwd, args.chdir ?? '.');
  if (args.chdir !== undefined) {
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {}
    if (!isDir) throw new UsageError(`-C ${args.chdir}: not a directory`);
  }
  return { args, io, ui, dir };
}

/** A path under the working directory. */
export function pathIn(ctx: Context, path: string): string {
  return resolvePath(ctx.dir, path);
}

/** How to show a path: relative to where the user ran the command when it is below it. */
export function display(ctx: Context, absolute: string): string {
  const rel = relative(ctx.io.cwd, absolute);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolute;
}

/** The spec's path: an explicit file, else `-s`, else kombination.yaml. */
export function specPath(ctx: Context, file?: string): string {
  return pathIn(ctx, file ?? ctx.args.spec ?? 'kombination.yaml');
}

export interface LoadedSpec {
  path: string;
  /** The path as shown to the user. */
  shown: string;
  text: string;
  spec: Spec | undefined;
  errors: SpecError[];
}

/** Reads and validates the spec. A missing file is a {@link CliError} (exit 1). */
export function loadSpec(ctx: Context, file?: string): LoadedSpec {
  const path = specPath(ctx, file);
  const shown = display(ctx, path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new CliError(`no spec at ${shown} (write one with: stackkit init <kit>)`, {
        code: 'spec_missing',
        details: { file: shown },
      });
    }
    throw new CliError(`cannot read ${shown}: ${(error as Error).message}`, {
      code: 'spec_unreadable',
      details: { file: shown },
    });
  }
  const { spec, errors } = parseSpec(text);
  return { path, shown, text, spec, errors };
}

/** `file:line:column code path message`, the format editors and CI annotators understand. */
export function formatSpecError(file: string, error: SpecError): string {
  const where = `${file}:${error.line ?? 1}:${error.column ?? 1}`;
  return `${where} ${error.code} ${error.path || '<root>'} ${error.message}`;
}

/** Prints spec errors on stderr (human mode), one line each. */
export function printSpecErrors(ctx: Context, loaded: LoadedSpec): void {
  for (const error of loaded.errors) ctx.io.stderr.write(`${formatSpecError(loaded.shown, error)}\n`);
  const n = loaded.errors.length;
  ctx.ui.error(`${loaded.shown} is not valid: ${n} problem${n === 1 ? '' : 's'}`);
}

/** The spec's errors as a CliError for commands that need a valid spec. */
export function invalidSpec(ctx: Context, loaded: LoadedSpec): CliError {
  if (!ctx.ui.json) printSpecErrors(ctx, loaded);
  return new CliError(`${loaded.shown} is not valid`, {
    code: 'invalid_spec',
    details: { file: loaded.shown, errors: loaded.errors },
  });
}

/** Image options from --mirror and --image. */
export function imageOptions(ctx: Context): ResolveOptions {
  const options: ResolveOptions = {};
  if (ctx.args.mirror) options.mirror = ctx.args.mirror;
  if (Object.keys(ctx.args.images).length > 0) options.images = ctx.args.images;
  return options;
}

/** Validates and resolves; a bad --mirror/--image value is a usage error. */
export function resolvePlan(ctx: Context, loaded: LoadedSpec, options: ResolveOptions = {}): Plan {
  if (!loaded.spec) throw invalidSpec(ctx, loaded);
  try {
    return resolve(loaded.spec, options);
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(`--mirror/--image: ${error.message}`);
    throw error;
  }
}
