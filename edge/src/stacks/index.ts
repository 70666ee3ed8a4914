/** The stacks domain's public surface for the rest of the edge (its HTTP routes: api.ts). */

// What the rest of the edge uses from this domain.
export type { OrchContext } from './access.ts';
export type { addAppToStack } from './app-service.ts';
export { orchContext } from './context.ts';
export { stackHandle } from './object/stack-handle.ts';
export type { StackObject } from './object/stack-object.ts';
export type { SecretUsage } from './secret-usage.ts';
export { stacksOverview } from './service.ts';
