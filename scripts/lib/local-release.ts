/**
 * `npm start`'s agent release: the local edge serves the installer one-liner, so it needs a
 * release to hand out. Builds one for this machine's architecture when there is none
 * (.kombify/build/agent, ~10 s the first time: the Node runtime is compressed once and cached),
 * then publishes it; files the edge already holds with the same bytes are not sent again.
 * Never fatal: without a release the rest of the product works and the reason is printed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Arch, buildAgentRelease, defaultAgentOut } from './agent-build.ts';
import { publishRelease } from './release-publish.ts';

export async function publishLocalRelease(opts: {
  edgeUrl: string;
  adminToken: string;
  say: (line: string) => void;
}): Promise<string> {
  const manifestPath = join(defaultAgentOut, 'manifest.json');
  try {
    if (!existsSync(manifestPath)) {
      const arch: Arch = process.arch === 'arm64' ? 'arm64' : 'x64';
      opts.say(`no agent build yet: building one for linux-${arch} (npm run build:agent builds both)…`);
      await buildAgentRelease({ arches: [arch], progress: (line) => opts.say(`  ${line}`) });
    }
    const started = Date.now();
    // replace: the local build always wins, so a rebuild of the same version is served at once.
    const result = await publishRelease({ ...opts, manifestPath, replace: true });
    const sent = result.uploaded.length
      ? `uploaded ${result.uploaded.join(', ')} (${(result.bytesUploaded / 1048576).toFixed(0)} MB, ${((Date.now() - started) / 1000).toFixed(1)} s)`
      : 'already on the edge';
    opts.say(`agent release ${result.version} published from ${manifestPath}: ${sent}`);
    return `agent ${result.version} (rebuild with npm run build:agent after changing the agent)`;
  } catch (error) {
    const reason = (error as Error).message;
    opts.say(`WARNING: no agent release for the installer: ${reason}`);
    return `not available: ${reason}`;
  }
}
