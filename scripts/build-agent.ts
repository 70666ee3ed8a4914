/**
 * `npm run build:agent [-- --version <v>] [--arch x64,arm64] [--out <dir>]`: the agent release
 * (bundle, Node runtimes, manifest) in .kombify/build/agent. See scripts/lib/agent-build.ts.
 * Exit codes: 0 built, 1 failed, 2 usage.
 */
import { parseArgs } from 'node:util';
import { ARCHES, type Arch, buildAgentRelease } from './lib/agent-build.ts';

function usage(message: string): never {
  process.stderr.write(
    `${message}\nUsage: npm run build:agent [-- --version <v>] [--arch x64,arm64] [--out <dir>]\n`,
  );
  process.exit(2);
}

let values: { version?: string; arch?: string; out?: string };
try {
  ({ values } = parseArgs({
    options: { version: { type: 'string' }, arch: { type: 'string' }, out: { type: 'string' } },
  }));
} catch (error) {
  usage((error as Error).message);
}
const arches = (values.arch?.split(',') ?? [...ARCHES]) as Arch[];
for (const arch of arches)
  if (!ARCHES.includes(arch)) usage(`unknown arch ${arch} (known: ${ARCHES.join(', ')})`);

const started = Date.now();
try {
  const { manifest, manifestPath } = await buildAgentRelease({
    version: values.version,
    outDir: values.out,
    arches,
    progress: (line) => process.stdout.write(`[build:agent] ${line}\n`),
  });
  for (const f of manifest.files) {
    process.stdout.write(
      `  ${f.name.padEnd(36)} ${(f.size / 1024 / 1024).toFixed(1).padStart(6)} MB  sha256 ${f.sha256.slice(0, 16)}…\n`,
    );
  }
  process.stdout.write(
    `manifest ${manifestPath} (agent ${manifest.version}, Node ${manifest.node_version}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
} catch (error) {
  process.stderr.write(`build:agent failed: ${(error as Error).message}\n`);
  process.exit(1);
}
