/**
 * How a service takes a rotated secret when its image reads the secret only on first start
 * (issue 16). Keyed by image repository and the env variable holding the secret; the command runs
 * in the new container (converge `apply_secrets`) and reads the value from its env, so no
 * value is ever in a plan or job.
 *
 * PostgreSQL (the official image and kombify's Debian build share the contract): POSTGRES_PASSWORD
 * only initialises a new data directory, so a rotation sets it with `ALTER ROLE` over the local
 * socket, which both images trust. `\getenv` (psql 15+) reads the value from the environment, so
 * it is not in any process's argv either.
 */
export interface RotationRecipe {
  exec: string[];
  timeout_s: number;
}

const postgres: RotationRecipe = {
  exec: [
    'sh',
    '-c',
    [
      // A shell expansion, not a template: the container's own POSTGRES_USER.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax
      'user="${POSTGRES_USER:-postgres}"; i=0',
      // Retried: on a first start the image's init server comes and goes before the real one.
      `until printf '%s\\n' '\\getenv pw POSTGRES_PASSWORD' "ALTER ROLE \\"$user\\" PASSWORD :'pw';" | psql -v ON_ERROR_STOP=1 -q -U "$user" -d postgres 2>/tmp/kombify-apply-secrets.err; do i=$((i+1)); if [ $i -gt 120 ]; then cat /tmp/kombify-apply-secrets.err >&2; exit 1; fi; sleep 0.5; done`,
      'rm -f /tmp/kombify-apply-secrets.err',
    ].join('; '),
  ],
  timeout_s: 90,
};

/** The image's repository without registry, tag or digest: `docker.io/library/postgres:16` → `postgres`. */
export function imageRepository(image: string): string {
  const noDigest = image.split('@')[0] as string;
  const last = noDigest.split('/').pop() as string;
  return last.split(':')[0] as string;
}

/** The recipe for a service's image and secret env, or null when its image reads secrets on every start. */
export function rotationRecipe(image: string, secretEnv: Record<string, string>): RotationRecipe | null {
  if (imageRepository(image) === 'postgres' && 'POSTGRES_PASSWORD' in secretEnv) return postgres;
  return null;
}
