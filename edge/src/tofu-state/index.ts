/**
 * The OpenTofu state backend's public surface for the rest of the edge (its HTTP routes are in
 * api.ts): the backend settings a tofu.* job needs (`stateBackendFor`) and a stack's owner.
 */
export { STATE_USERNAME, stateAddress, stateBackendFor } from './backend-for.ts';
export { claimStack, isStackId, stackOwner } from './stack-owner.ts';
/** The state's storage, which lives in the stack's StackObject (one SQLite database per stack). */
export * as tofuStore from './state-store.ts';
