/**
 * Version skew between the edge and its agents: an agent older than AGENT_MIN_VERSION still
 * works as far as it can, but the API and the dashboard say so, with what to do about it.
 */
import { compareVersions, VERSION } from './release-manifest.ts';

export interface VersionSkew {
  outdated: boolean;
  /** For people: why and how to upgrade; null when the agent is supported. */
  version_warning: string | null;
}

export function versionSkew(agentVersion: string | null, minVersion: string | undefined): VersionSkew {
  // An agent that reported no version (or one we cannot read) is not flagged: we do not know.
  if (!minVersion || !agentVersion || !VERSION.test(agentVersion))
    return { outdated: false, version_warning: null };
  if (compareVersions(agentVersion, minVersion) >= 0) return { outdated: false, version_warning: null };
  return {
    outdated: true,
    version_warning:
      `agent ${agentVersion} is older than this edge supports (${minVersion} or newer): ` +
      'upgrade it (POST /v1/orchestrator/workers/{id}/upgrade, or run the install one-liner again on the node)',
  };
}
