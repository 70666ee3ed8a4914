/**
 * agent.upgrade: the agent upgrades itself to a published release and proves it by coming back.
 *
 * First delivery (old version): fetch and verify the release, stage it, make it current, record
 * the upgrade as pending, and restart through the supervisor — the job is left unfinished on
 * purpose. The edge delivers it again when the agent reconnects:
 *   - to the new version, which is running the target: the upgrade worked → succeeded;
 *   - to the old version, after the supervisor rolled back → failed (upgrade_rolled_back).
 */
import type { JsonObject } from '@bufbuild/protobuf';
import type { AgentUpgradeParams } from '@kombify/proto/jobs';
import { activate, installLayout, prune } from '../upgrade/layout.ts';
import { fetchRelease, ReleaseError, stageRelease } from '../upgrade/release.ts';
import { agentRuntime, isSupervised } from '../upgrade/runtime.ts';
import { readUpgradeState, writeUpgradeState } from '../upgrade/upgrade-state.ts';
import { AGENT_VERSION } from '../version.ts';
import type { ExecContext } from './context.ts';
import { JobFailure } from './job-error.ts';

export async function agentUpgrade(params: AgentUpgradeParams, ctx: ExecContext): Promise<JsonObject> {
  const runtime = agentRuntime();
  const layout = installLayout();
  if (!runtime || !layout || !isSupervised()) {
    throw new JobFailure(
      'not_upgradable',
      'this agent was not installed with the kombify installer (or runs without its supervisor); upgrade it the way it was installed',
    );
  }
  const earlier = readUpgradeState(runtime.dataDir);
  if (earlier?.job_id === ctx.jobId) {
    if (earlier.state === 'rolled_back') {
      ctx.log('system', `upgrade to ${earlier.to} failed: ${earlier.reason}; running ${earlier.from} again`);
      throw new JobFailure('upgrade_rolled_back', `${earlier.reason}; rolled back to ${earlier.from}`);
    }
    if (earlier.to === AGENT_VERSION) {
      ctx.log('system', `upgraded ${earlier.from} → ${earlier.to}; the new agent is online`);
      return { status: 'upgraded', from: earlier.from, to: earlier.to };
    }
  }
  let release: Awaited<ReturnType<typeof fetchRelease>>;
  try {
    release = await fetchRelease(layout, runtime.edgeUrl, params.version, AGENT_VERSION);
    if (release.version === AGENT_VERSION) return { status: 'current', version: AGENT_VERSION };
    ctx.progress(`downloading ${release.version}`);
    ctx.log('system', `upgrading ${AGENT_VERSION} → ${release.version}: signature verified, downloading`);
    await stageRelease(layout, runtime.edgeUrl, release);
  } catch (error) {
    if (error instanceof ReleaseError) throw new JobFailure(error.code, error.message);
    throw error;
  }
  const started = new Date().toISOString();
  writeUpgradeState(runtime.dataDir, {
    from: AGENT_VERSION,
    to: release.version,
    job_id: ctx.jobId,
    state: 'pending',
    started_at: started,
  });
  activate(layout, release.version);
  prune(layout);
  ctx.log('system', `${release.version} installed and current; restarting on it`);
  runtime.restart();
  // Never settles: this process is going away, and the job is finished by the next delivery.
  return new Promise<JsonObject>(() => {});
}
