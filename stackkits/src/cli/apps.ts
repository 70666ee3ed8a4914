/**
 * `stackkit apps`: the catalog, one line per app (or every definition with --json).
 * `stackkit add <app> [--node n] [-o spec]`: adds an app to the spec (a new one when the file does
 * not exist), with its secrets generated and stored in deploy/secrets.auto.tfvars.json (0600).
 */
import { existsSync, readFileSync } from 'node:fs';
import { addApp, getApp, listApps } from '../index.ts';
import { CliError, UsageError } from './args.ts';
import { type Context, display, formatSpecError, pathIn } from './context.ts';
import { storeSecrets, writeAtomically } from './write-spec.ts';

export async function apps(ctx: Context): Promise<number> {
  const list = listApps();
  if (ctx.ui.json) {
    ctx.ui.result({ apps: list.map((a) => getApp(a.name)) });
    return 0;
  }
  const width = Math.max(...list.map((a) => a.name.length));
  for (const a of list) ctx.ui.print(`${a.name.padEnd(width)}  ${a.category.padEnd(15)}  ${a.description}`);
  ctx.ui.info(`\n${list.length} apps. Add one with: stackkit add <app>`);
  return 0;
}

export async function add(ctx: Context): Promise<number> {
  const { args, ui } = ctx;
  const name = args.rest[0];
  if (!name) throw new UsageError('an app is required: stackkit add <app> (list them with: stackkit apps)');
  if (!getApp(name))
    throw new UsageError(`no app named "${name}" in the catalog (list them with: stackkit apps)`);
  const out = pathIn(ctx, args.output ?? args.spec ?? 'kombination.yaml');
  const shown = display(ctx, out);
  const into = existsSync(out) ? readFileSync(out, 'utf8') : undefined;
  const result = addApp({
    app: name,
    ...(into !== undefined ? { into } : {}),
    ...(args.node ? { node: args.node } : {}),
  });
  if (result.errors.length > 0) {
    if (!ui.json) for (const e of result.errors) ctx.io.stderr.write(`${formatSpecError(shown, e)}\n`);
    throw new CliError(`${name} could not be added to ${shown}; nothing was written`, {
      code: 'invalid_spec',
      details: { file: shown, errors: result.errors },
    });
  }
  writeAtomically(out, result.yaml!);
  const stored =
    Object.keys(result.secretValues).length > 0
      ? storeSecrets(pathIn(ctx, 'deploy'), result.secretValues)
      : null;
  if (ui.json) {
    ui.result({
      ok: true,
      file: shown,
      app: name,
      services: result.services,
      secrets: result.secrets.map((s) => ({ ...s, stored: stored?.stored.includes(s.ref) ?? false })),
    });
    return 0;
  }
  ui.info(`Added ${name} to ${shown}: ${result.services.join(', ')}`);
  for (const s of result.secrets) {
    const kept = stored?.kept.includes(s.ref);
    ui.info(
      `  secret ${s.ref} (${s.description}): ${kept ? 'kept the value already stored' : 'generated'} in deploy/secrets.auto.tfvars.json`,
    );
  }
  ui.info('Next: stackkit validate && stackkit plan');
  return 0;
}
