/** `stackkit version`: the package version; --json adds the runtime and the formats it writes. */
import { readFileSync } from 'node:fs';
import { jobPlanFormat, listKits, planFormat } from '../index.ts';
import type { Context } from './context.ts';

let cached: string | undefined;

/** The version of @kombify/stackkits (package.json). */
export function cliVersion(): string {
  cached ??= (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  return cached;
}

export async function version(ctx: Context): Promise<number> {
  if (ctx.ui.json) {
    ctx.ui.result({
      name: 'stackkit',
      version: cliVersion(),
      node: process.version,
      planFormat,
      jobPlanFormat,
      kits: listKits().map((k) => ({ name: k.name, variants: k.variants.map((v) => v.name) })),
    });
  } else {
    ctx.ui.print(`stackkit ${cliVersion()}`);
  }
  return 0;
}
