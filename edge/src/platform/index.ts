/** The platform domain's public surface for the rest of the edge (its HTTP routes: api.ts). */
