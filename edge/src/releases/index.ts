/** The releases domain's public surface for the rest of the edge (its HTTP routes: api.ts). */

// What the rest of the edge uses from this domain.
export { VERSION } from './release-manifest.ts';
export { artifactsBucket, currentVersion, getManifestBytes } from './release-store.ts';
export { versionSkew } from './version-skew.ts';
