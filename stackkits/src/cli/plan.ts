/** `stackkit plan`: see deploy.ts for the flow. */
import type { Context } from './context.ts';
import { deploy } from './deploy.ts';

export function plan(ctx: Context): Promise<number> {
  return deploy(ctx, 'plan');
}
