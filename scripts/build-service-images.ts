/**
 * `npm run images [-- <upstream name>…]`: builds the simulations' service images from Debian's
 * packages (and the clearly named stand-ins for what Debian does not package) and pushes them into
 * KombiSim's registry mirror under their upstream names (scripts/lib/service-images.ts). Exit
 * codes: 0 done, 1 failed.
 */
import { buildServiceImages } from './lib/service-images.ts';

const testImage = process.env.KOMBIFY_TEST_IMAGE ?? 'kombify/busybox:test';
const started = Date.now();
try {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const pushed = await buildServiceImages({
    testImage,
    ...(only.length > 0 ? { only } : {}),
    progress: (line) => process.stdout.write(`[images] ${line}\n`),
  });
  for (const [name, what] of pushed) process.stdout.write(`  ${name.padEnd(34)} ${what}\n`);
  process.stdout.write(
    `${pushed.size} names in the mirror in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
} catch (error) {
  process.stderr.write(`images failed: ${(error as Error).message}\n`);
  process.exit(1);
}
