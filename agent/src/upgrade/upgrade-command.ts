/**
 * `kombify-agent upgrade [--version <v>]` on an installed node: the same verified download and
 * staging as an edge-initiated upgrade, then the running agent is restarted on it through its
 * supervisor (SIGHUP), which rolls back if the new version does not come online.
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadIdentity } from '../identity.ts';
import { AGENT_VERSION } from '../version.ts';
import { activate, installLayout, linkedVersion, prune } from './layout.ts';
import { fetchRelease, ReleaseError, stageRelease } from './release.ts';
import { supervisorPidFile } from './supervisor.ts';
import { writeUpgradeState } from './upgrade-state.ts';

export async function upgradeCommand(dataDir: string, version: string | undefined): Promise<number> {
  const layout = installLayout();
  if (!layout) {
    process.stderr.write(
      'This agent was not installed with the kombify installer (no KOMBIFY_AGENT_PREFIX): upgrade it the way it was installed.\n',
    );
    return 1;
  }
  const identity = loadIdentity(dataDir);
  const edgeUrl = process.env.KOMBIFY_EDGE_URL ?? identity?.edge_url;
  if (!edgeUrl) {
    process.stderr.write(`This node is not enrolled (no identity in ${dataDir}).\n`);
    return 1;
  }
  const installed = linkedVersion(layout, 'current') ?? AGENT_VERSION;
  try {
    // A version named here, on the node, is the node's own choice (a downgrade included); the
    // edge's current release must not be older than what runs (issue 20, H3, in part).
    const release = await fetchRelease(layout, edgeUrl, version, version ? undefined : installed);
    if (release.version === installed) {
      process.stdout.write(`Agent ${installed} is already installed: nothing to do.\n`);
      return 0;
    }
    process.stdout.write(`Upgrading ${installed} → ${release.version} (signature verified)…\n`);
    await stageRelease(layout, edgeUrl, release);
    writeUpgradeState(dataDir, {
      from: installed,
      to: release.version,
      state: 'pending',
      started_at: new Date().toISOString(),
    });
    activate(layout, release.version);
    prune(layout);
  } catch (error) {
    if (error instanceof ReleaseError) {
      process.stderr.write(`Upgrade refused (${error.code}): ${error.message}. Nothing was changed.\n`);
      return 1;
    }
    throw error;
  }
  const pidFile = supervisorPidFile(dataDir);
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : 0;
  if (pid > 0) {
    try {
      process.kill(pid, 'SIGHUP');
      process.stdout.write(
        'Installed and made current; the running agent restarts on it and rolls back if it does not come online.\n',
      );
      return 0;
    } catch {}
  }
  process.stdout.write('Installed and made current; it runs when the agent starts next.\n');
  return 0;
}
