/**
 * stackkit: the command line of @kombify/stackkits (README "CLI").
 *
 *   stackkit init <kit> | validate [file] | import <compose.yml> | apps | add <app> | prepare | generate |
 *   plan | apply | destroy | status | secret set|list|rm | version
 *
 * Exit codes: 0 success, 1 invalid input or a failed step, 2 usage error (including a needed
 * confirmation without a terminal), 130 interrupted.
 */
import { apply } from './apply.ts';
import { add, apps } from './apps.ts';
import { type CliArgs, CliError, type CommandName, parseCli, UsageError } from './args.ts';
import { type Context, makeContext } from './context.ts';
import { destroy } from './destroy.ts';
import { generate } from './generate.ts';
import { importCommand } from './import.ts';
import { init } from './init.ts';
import { plan } from './plan.ts';
import { prepare } from './prepare.ts';
import { secret } from './secret.ts';
import { status } from './status.ts';
import { type Io, Ui } from './ui.ts';
import { commandUsage, mainUsage, usageFor } from './usage.ts';
import { validate } from './validate.ts';
import { version } from './version.ts';

type Handler = (ctx: Context) => Promise<number>;

const handlers: Record<Exclude<CommandName, 'help'>, Handler> = {
  init,
  validate,
  prepare,
  generate,
  plan,
  apply,
  destroy,
  status,
  import: importCommand,
  apps,
  add,
  secret,
  version,
};

export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Whether argv asked for JSON, even when the rest could not be parsed. */
const wantsJson = (argv: readonly string[]) => argv.includes('--json');

function usageError(
  io: Io,
  json: boolean,
  message: string,
  command: CommandName | undefined,
  details?: Record<string, unknown>,
): number {
  if (json) {
    io.stdout.write(
      `${JSON.stringify({ ok: false, error: { code: 'usage', message }, ...details }, null, 2)}\n`,
    );
  }
  const hint =
    command && command !== 'help'
      ? commandUsage[command].split('\n')[0]
      : 'Usage: stackkit <command> [options]';
  io.stderr.write(
    `error: ${message}\n\n${hint}\nRun "stackkit ${command && command !== 'help' ? `${command} ` : ''}--help" for more.\n`,
  );
  return 2;
}

/** Runs the CLI; resolves to the exit code. Never throws for expected failures. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCli(argv);
  } catch (error) {
    if (error instanceof UsageError) return usageError(io, wantsJson(argv), error.message, undefined);
    throw error;
  }
  if (args.command === 'help') {
    const topic = args.rest[0];
    if (topic && !(topic in commandUsage))
      return usageError(io, args.json, `unknown command "${topic}"`, 'help');
    io.stdout.write(usageFor(topic as CommandName | undefined));
    return 0;
  }
  if (args.help) {
    io.stdout.write(usageFor(args.command));
    return 0;
  }
  if (!args.command) {
    io.stderr.write(mainUsage);
    return 2;
  }
  const ui = new Ui(io, { quiet: args.quiet, verbose: args.verbose, json: args.json, noColor: args.noColor });
  try {
    const ctx = makeContext(args, io, ui);
    return await handlers[args.command](ctx);
  } catch (error) {
    if (error instanceof UsageError)
      return usageError(io, args.json, error.message, args.command, error.details);
    if (error instanceof CliError) {
      if (args.json) {
        ui.result({ ok: false, error: { code: error.code, message: error.message }, ...error.details });
      }
      // Spec errors were already printed line by line; everything else gets its message.
      if (error.code !== 'invalid_spec' || args.json) ui.error(error.message);
      return error.exitCode;
    }
    ui.error(`unexpected failure: ${(error as Error).stack ?? String(error)}`);
    if (args.json) ui.result({ ok: false, error: { code: 'internal', message: (error as Error).message } });
    return 1;
  }
}
