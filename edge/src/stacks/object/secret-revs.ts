/**
 * Which secret values a deploy runs with (issue 16): each converge service that uses secrets gets
 * `secret_rev`, a hash of its secrets' paths and store versions (never of a value). It is part of
 * the desired state, so rotating a secret changes exactly the specs of the containers using it: a
 * drift check reports them and the next deploy re-creates them, nothing else.
 */
import type { ConvergeService } from '@kombify/proto/jobs';
import { sha256Hex } from '../../platform/ids.ts';
import type { Artifacts } from './stack-store.ts';

export interface SecretUse {
  node: string;
  service: string;
  /** Where in the job the reference is: `secret_env.POSTGRES_PASSWORD`, `files[0].secret`. */
  field: string;
  path: string;
}

/** Every secret reference of the converge jobs, with the service that makes it. */
export function secretUses(converge: Artifacts['converge']): SecretUse[] {
  const out: SecretUse[] = [];
  for (const job of converge) {
    for (const s of (job.params.services ?? []) as ConvergeService[]) {
      for (const [name, path] of Object.entries(s.secret_env ?? {}))
        out.push({ node: job.node, service: s.service, field: `secret_env.${name}`, path });
      (s.files ?? []).forEach((f, i) => {
        if (f.secret)
          out.push({ node: job.node, service: s.service, field: `files[${i}].secret`, path: f.secret });
      });
    }
  }
  return out;
}

async function revision(entries: string[]): Promise<string> {
  return (await sha256Hex(entries.sort().join('\n'))).slice(0, 16);
}

/** Sets each secret-using service's `secret_rev` from the store's versions (all must be known). */
export async function withSecretRevs(
  converge: Artifacts['converge'],
  versions: ReadonlyMap<string, number>,
): Promise<Artifacts['converge']> {
  return Promise.all(
    converge.map(async (job) => ({
      ...job,
      params: {
        ...job.params,
        services: await Promise.all(
          ((job.params.services ?? []) as ConvergeService[]).map(async (s) => {
            const paths = [
              ...Object.values(s.secret_env ?? {}),
              ...(s.files ?? []).flatMap((f) => f.secret ?? []),
            ];
            if (paths.length === 0) return s;
            return {
              ...s,
              secret_rev: await revision([...new Set(paths)].map((p) => `${p}@${versions.get(p)}`)),
            };
          }),
        ),
      },
    })),
  );
}

/** `service postgres on node main: secret_env.POSTGRES_PASSWORD uses secret postgres/password, …` */
export function describeMissing(missing: SecretUse[]): string {
  return missing
    .map((m) => `service ${m.service} on node ${m.node}: ${m.field} uses secret ${m.path}, which is not set`)
    .join('; ');
}
