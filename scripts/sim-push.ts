/**
 * `npm run sim:push -- <image> [<image>…] [--as <name>]`: puts images that are on this machine into
 * KombiSim's registry mirror, where simulated nodes pull them by their upstream names (see
 * scripts/lib/sim-registry.ts). `--as` names the one image differently in the mirror
 * (`npm run sim:push -- kombify/busybox:test --as busybox`). Exit codes: 0 pushed, 1 failed, 2 usage.
 */
import { parseArgs } from 'node:util';
import { pushToMirror } from './lib/sim-registry.ts';

let images: string[];
let as: string | undefined;
try {
  const parsed = parseArgs({ allowPositionals: true, options: { as: { type: 'string' } } });
  images = parsed.positionals;
  as = parsed.values.as;
  if (images.length === 0 || (as && images.length !== 1))
    throw new Error('name one image (or one with --as)');
} catch (error) {
  process.stderr.write(
    `${(error as Error).message}\nUsage: npm run sim:push -- <image> [<image>…] [--as <name>]\n`,
  );
  process.exit(2);
}
try {
  await pushToMirror(as ? { [images[0]!]: as } : images, {
    port: process.env.SIM_REGISTRY_PORT ? Number(process.env.SIM_REGISTRY_PORT) : undefined,
    progress: (line) => process.stdout.write(`[sim:push] ${line}\n`),
  });
} catch (error) {
  process.stderr.write(`sim:push failed: ${(error as Error).message}\n`);
  process.exit(1);
}
