/** `stackkit validate [file]`: every problem as `file:line:column code path message`. */
import { resolve } from '../index.ts';
import { type Context, loadSpec, printSpecErrors } from './context.ts';

export async function validate(ctx: Context): Promise<number> {
  const loaded = loadSpec(ctx, ctx.args.rest[0]);
  const valid = loaded.errors.length === 0;
  // The variant is the kit's decision when the spec names none (compute tier, defaults).
  const stack = loaded.spec ? resolve(loaded.spec).stack : undefined;
  if (ctx.ui.json) {
    ctx.ui.result({
      valid,
      file: loaded.shown,
      ...(stack ? { name: stack.name, kit: stack.kit, variant: stack.variant } : {}),
      errors: loaded.errors,
    });
  } else if (valid) {
    const n = loaded.spec!.nodes.length;
    ctx.ui.info(
      `${loaded.shown} is valid: stack ${stack!.name}, kit ${stack!.kit} (variant ${stack!.variant}), ${n} node${n === 1 ? '' : 's'}`,
    );
  } else {
    printSpecErrors(ctx, loaded);
  }
  return valid ? 0 : 1;
}
