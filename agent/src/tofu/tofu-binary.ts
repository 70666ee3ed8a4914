/** Which OpenTofu CLI this node has: `tofu` first, then `terraform` (the same CLI contract). */
import { JobFailure } from '../executors/job-error.ts';
import { findTofu } from '../facts.ts';

export interface TofuBinary {
  binary: 'tofu' | 'terraform';
  version: string;
}

export async function requireTofu(): Promise<TofuBinary> {
  const found = await findTofu();
  if (!found) {
    throw new JobFailure(
      'tofu_missing',
      "neither `tofu` (OpenTofu) nor `terraform` is on this node's PATH; install OpenTofu (https://opentofu.org/docs/intro/install/) and run the job again",
    );
  }
  return { binary: found.binary === 'tofu' ? 'tofu' : 'terraform', version: found.version };
}
