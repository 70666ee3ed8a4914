/**
 * The Debian image the installer tests run the one-liner in: a minimal bookworm with curl,
 * ca-certificates and openssl (scripts/build-debian-image.sh, debootstrap, ~1 min from nothing).
 * Built once per machine and kept as a Docker image; KOMBIFY_DEBIAN_IMAGE names another.
 */
import { execFileSync } from 'node:child_process';
import type Docker from 'dockerode';
import { repoRoot } from '../../scripts/lib/service.ts';

export const DEBIAN_IMAGE = process.env.KOMBIFY_DEBIAN_IMAGE ?? 'kombify/debian-node:test';

export async function requireDebianImage(docker: Docker): Promise<string> {
  try {
    await docker.getImage(DEBIAN_IMAGE).inspect();
  } catch {
    execFileSync('sh', [`${repoRoot}scripts/build-debian-image.sh`], {
      stdio: 'inherit',
      env: { ...process.env, KOMBIFY_DEBIAN_IMAGE: DEBIAN_IMAGE },
    });
  }
  return DEBIAN_IMAGE;
}
