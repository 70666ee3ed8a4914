/**
 * The OpenTofu state backend's public surface for the rest of the edge: the backend settings a
 * tofu.* job needs (`stateBackendFor`) and a stack's owner (`stackOwner`, `claimStack`).
 */
export { STATE_USERNAME, stateAddress, stateBackendFor } from './backend-for.ts';
export { claimStack, isStackId, stackOwner } from './stack-owner.ts';
