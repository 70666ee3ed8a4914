/** `stackkit init <kit>`: writes a commented starter spec. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type KitInfo, type KitName, kitNames, listKits, parseSpec } from '../index.ts';
import { CliError, UsageError } from './args.ts';
import { type Context, display, pathIn } from './context.ts';
import { stackNameFrom, starterSpec } from './starter.ts';

const schemaDir = fileURLToPath(new URL('../../schema/', import.meta.url));

/** The kits and their variants, one line each (for usage errors and `init` without a kit). */
export function kitList(kits: readonly KitInfo[] = listKits()): string {
  return kits
    .map(
      (k) =>
        `  ${k.name.padEnd(16)} ${k.summary}\n  ${''.padEnd(16)} variants: ${k.variants.map((v) => v.name).join(', ')}`,
    )
    .join('\n');
}

function isKit(name: string): name is KitName {
  return (kitNames as readonly string[]).includes(name);
}

export async function init(ctx: Context): Promise<number> {
  const { args, ui } = ctx;
  const kit = args.rest[0];
  if (!kit || !isKit(kit)) {
    const what = kit ? `unknown StackKit "${kit}"` : 'StackKit name required';
    throw new UsageError(`${what}: stackkit init <kit>\n\nStackKits:\n${kitList()}`, {
      kits: listKits().map((k) => ({
        name: k.name,
        summary: k.summary,
        variants: k.variants.map((v) => v.name),
      })),
    });
  }
  const info = listKits().find((k) => k.name === kit)!;
  const variant = args.variant ?? info.defaultVariant;
  if (!info.variants.some((v) => v.name === variant)) {
    throw new UsageError(
      `${kit} has no variant "${variant}"; its variants: ${info.variants.map((v) => v.name).join(', ')}`,
    );
  }
  const file = pathIn(ctx, args.output ?? args.spec ?? 'kombination.yaml');
  const shown = display(ctx, file);
  const name = args.name ?? stackNameFrom(basename(dirname(file))) ?? 'homelab';
  if (!/^[a-z][a-z0-9-]{0,61}[a-z0-9]$/.test(name)) {
    throw new UsageError(`--name must be a DNS label (a-z, 0-9, -; starting with a letter), got "${name}"`);
  }
  const existed = existsSync(file);
  if (existed && !args.force) {
    throw new CliError(`${shown} already exists; use --force to overwrite it`, {
      code: 'exists',
      details: { file: shown },
    });
  }
  const schema = relative(dirname(file), `${schemaDir}${kit}.schema.json`).split(sep).join('/');
  const text = starterSpec({ kit, variant, name, schema });
  // The starter must always be valid; a failure here is a bug in starter.ts, not the user's.
  const check = parseSpec(text);
  if (check.errors.length > 0) {
    throw new Error(`starter spec for ${kit}/${variant} is invalid: ${JSON.stringify(check.errors)}`);
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  if (ui.json) {
    ui.result({ ok: true, file: shown, kit, variant, name, overwritten: existed });
  } else {
    ui.info(`${existed ? 'Overwrote' : 'Wrote'} ${shown} (${kit}, variant ${variant}, stack ${name}).`);
    ui.info('Edit it, then: stackkit validate && stackkit prepare && stackkit plan');
  }
  return 0;
}
