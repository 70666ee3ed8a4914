/**
 * The agent's version, reported in facts and heartbeats. The release build (`npm run build:agent`)
 * sets it with esbuild's `define`; the TypeScript sources run as the package version.
 */
declare const KOMBIFY_AGENT_VERSION: string | undefined;

export const AGENT_VERSION: string =
  typeof KOMBIFY_AGENT_VERSION === 'string' ? KOMBIFY_AGENT_VERSION : '0.1.0';
