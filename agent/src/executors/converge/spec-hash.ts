/**
 * The canonical desired spec of a container or network and its hash. The hash goes into the
 * `kombify.spec-hash` label; comparing it with the desired one decides whether an object is
 * replaced. Per-part hashes (`kombify.spec-parts`) let the agent say *what* changed.
 */
import { createHash } from 'node:crypto';
import type { ConvergeService, StackConvergeParams } from '@kombify/proto/jobs';

type Network = StackConvergeParams['networks'][number];

/** JSON with object keys sorted, so equal specs give equal bytes whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The parts of a container's spec, each hashed on its own. Attached networks are included with
 * their own spec, so a container is recreated when a network it uses has to be recreated.
 * Empty and absent values are the same spec (`env: {}` = no env).
 */
export function containerSpecParts(
  service: ConvergeService,
  networks: readonly Network[],
): Record<string, unknown> {
  const byName = new Map(networks.map((n) => [n.name, n]));
  const orEmpty = <T>(v: T[] | undefined) => (v && v.length > 0 ? v : undefined);
  const objOrEmpty = (v: Record<string, string> | undefined) =>
    v && Object.keys(v).length > 0 ? v : undefined;
  return {
    name: service.name,
    image: service.image,
    command: service.command,
    env: objOrEmpty(service.env),
    ports: orEmpty(
      (service.ports ?? [])
        .map((p) => ({ ...p, host_ip: p.host_ip ?? '' }))
        .sort((a, b) => a.host - b.host || a.container - b.container),
    ),
    mounts: orEmpty(service.mounts?.map((m) => ({ ...m, read_only: m.read_only ?? false }))),
    labels: objOrEmpty(service.labels),
    restart: service.restart,
    healthcheck: service.healthcheck,
    networks: orEmpty(
      service.networks?.map((n) => ({
        name: n,
        internal: byName.get(n)?.internal ?? false,
        subnet: byName.get(n)?.subnet,
      })),
    ),
    entrypoint: service.entrypoint,
    user: service.user,
    aliases: orEmpty(service.aliases),
    resources: service.resources,
    logging: service.logging,
    // Secrets by reference and revision (never a value): a rotated secret changes secret_rev.
    secret_env:
      service.secret_env && Object.keys(service.secret_env).length > 0 ? service.secret_env : undefined,
    secret_rev: service.secret_rev,
    // A file by its content's hash, so the label stays short and a changed file re-creates.
    files: orEmpty(
      service.files?.map((f) => ({
        path: f.path,
        ...(f.content !== undefined ? { content: sha256(f.content) } : { secret: f.secret }),
        mode: f.mode,
      })),
    ),
  };
}

/** The spec hash and the short per-part hashes (`image=1a2b3c4d,…`) for one container. */
export function containerSpecHash(
  service: ConvergeService,
  networks: readonly Network[],
): { hash: string; parts: string } {
  const parts = containerSpecParts(service, networks);
  return {
    hash: sha256(canonicalJson(parts)),
    parts: Object.entries(parts)
      .map(([k, v]) => `${k}=${sha256(canonicalJson(v ?? null)).slice(0, 8)}`)
      .join(','),
  };
}

export function networkSpecHash(network: Network): string {
  return sha256(
    canonicalJson({ name: network.name, internal: network.internal ?? false, subnet: network.subnet }),
  );
}

/** Which parts differ between two `kombify.spec-parts` labels (all of them when one is unreadable). */
export function changedParts(before: string | undefined, after: string): string[] {
  const parse = (s: string) => new Map(s.split(',').map((kv) => kv.split('=') as [string, string]));
  const want = parse(after);
  if (!before) return [...want.keys()];
  const had = parse(before);
  return [...want.keys()].filter((k) => had.get(k) !== want.get(k));
}
