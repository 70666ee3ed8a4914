/**
 * Layer 1 defaults. The table lives with the spec (src/spec/base-defaults.ts) because the schema
 * shows these defaults; base/ builds on the spec, so the spec never imports from base/.
 */
export { baseDefaults, resourceDefaults, sshUserByProvider } from '../src/spec/base-defaults.ts';
