/**
 * The environment an OpenTofu run gets. The backend credential and the variables travel only
 * here (TF_HTTP_*, TF_VAR_*): never on a command line (visible in `ps`) and never in a file.
 * Inherited TF_HTTP_*, TF_VAR_* and TF_CLI_ARGS* are dropped so a node's own environment cannot
 * point a stack at another state or slip arguments into our commands.
 */
import type { TofuBackend } from '@kombify/proto/jobs';

const dropped = /^(TF_HTTP_|TF_VAR_|TF_CLI_ARGS|TF_WORKSPACE$|TF_DATA_DIR$|TF_INPUT$)/;

export function tofuEnv(
  base: NodeJS.ProcessEnv,
  opts: { backend?: TofuBackend; vars?: Record<string, string> },
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && !dropped.test(key)) env[key] = value;
  }
  env.TF_IN_AUTOMATION = '1';
  env.TF_INPUT = '0';
  if (opts.backend) {
    env.TF_HTTP_ADDRESS = opts.backend.address;
    env.TF_HTTP_LOCK_ADDRESS = opts.backend.lock_address;
    env.TF_HTTP_UNLOCK_ADDRESS = opts.backend.unlock_address;
    env.TF_HTTP_USERNAME = opts.backend.username;
    env.TF_HTTP_PASSWORD = opts.backend.password;
  }
  for (const [name, value] of Object.entries(opts.vars ?? {})) env[`TF_VAR_${name}`] = value;
  return env;
}

/**
 * The backend block the agent adds when the job names a backend: empty, because every setting
 * comes from the environment. Its name starts with "_", which job file names cannot, so it never
 * collides with a file of the stack.
 */
export const BACKEND_FILE = '_kombify_backend.tf.json';
export const BACKEND_BLOCK = `${JSON.stringify({ terraform: { backend: { http: {} } } }, null, 2)}\n`;

/**
 * `-var-file` arguments for the stack's *.tfvars files that OpenTofu does not load by itself
 * (it reads only terraform.tfvars and *.auto.tfvars), in name order so later files win predictably.
 */
export function varFileArgs(fileNames: readonly string[]): string[] {
  return fileNames
    .filter((n) => n.endsWith('.tfvars') && n !== 'terraform.tfvars' && !n.endsWith('.auto.tfvars'))
    .sort()
    .map((n) => `-var-file=${n}`);
}
