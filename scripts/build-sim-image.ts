/**
 * `npm run sim:image [-- --image <name>]`: builds the KombiSim node image locally (Debian + sshd +
 * iproute2 + Docker + the kombify agent) and the registry mirror's image (kombify/sim-registry),
 * see scripts/lib/sim-image.ts. Exit codes: 0 built or current, 1 failed, 2 usage.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { buildRegistryImage, buildSimImage } from './lib/sim-image.ts';

let image: string | undefined;
try {
  ({
    values: { image },
  } = parseArgs({ options: { image: { type: 'string' } } }));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\nUsage: npm run sim:image [-- --image <name>]\n`);
  process.exit(2);
}
const started = Date.now();
try {
  const built = await buildSimImage({
    image,
    progress: (line) => process.stdout.write(`[sim:image] ${line}\n`),
  });
  // The edge's default SIM_NODE_IMAGE is :latest; a named --image is left as it is.
  if (!image && !process.env.KOMBIFY_SIM_IMAGE)
    execFileSync('docker', ['tag', built, 'kombify/sim-node:latest']);
  const registry = await buildRegistryImage({
    progress: (line) => process.stdout.write(`[sim:image] ${line}\n`),
  });
  process.stdout.write(`${built} and ${registry} ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
} catch (error) {
  process.stderr.write(`sim:image failed: ${(error as Error).message}\n`);
  process.exit(1);
}
