/** The admin domain's public surface for the rest of the edge (its HTTP routes: api.ts). */

// What the rest of the edge uses from this domain.
export type { userView } from './user-view.ts';
export { isUserDisabled } from './users-store.ts';
