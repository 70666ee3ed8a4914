/** The simulations domain's public surface for the rest of the edge (its HTTP routes: api.ts). */

// What the rest of the edge uses from this domain.
export { applyNodeOutcome } from './node-outcome.ts';
export { getSimulation, listNodesOfSimulation } from './store.ts';
