/** What mapping one compose service needs to know about the rest of the import. */
import type { ServiceInput } from '../spec/schema.ts';
import type { Variables } from './interpolate.ts';
import type { Reporter } from './issues.ts';
import type { ProposedSecret } from './types.ts';

export type { ServiceInput };

export type Path = (string | number)[];
export type Data = Record<string, unknown>;

export function isMap(v: unknown): v is Data {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface ServiceContext {
  report: Reporter;
  vars: Variables;
  /** The merged document's top-level sections. */
  top: { volumes: Data; networks: Data; secrets: Data; configs: Data };
  projectDir: string | undefined;
  readFile: ((path: string) => string | undefined) | undefined;
  /** The target kit runs Swarm services (ha-homelab). */
  swarm: boolean;
  kitLabel: string;
  /** Compose service name → spec service name, for every imported service. */
  names: ReadonlyMap<string, string>;
  /** Compose services left out by profiles. */
  excluded: ReadonlySet<string>;
  secrets: ProposedSecret[];
  secretValues: Record<string, string>;
  /** secret://… → its OpenTofu variable name. */
  variableOf: (ref: string) => string;
}

/** Records a proposed secret once per ref (the value, when known, kept apart). */
export function proposeSecret(
  ctx: ServiceContext,
  ref: string,
  from: string,
  value: string | undefined,
): void {
  if (!ctx.secrets.some((s) => s.ref === ref)) ctx.secrets.push({ ref, variable: ctx.variableOf(ref), from });
  if (value !== undefined) ctx.secretValues[ref] = value;
}

/** A secret:// name from free text: `DB_PASSWORD` → `db-password`. */
export function secretName(...parts: string[]): string {
  return parts
    .map((p) =>
      p
        .toLowerCase()
        .replace(/[^a-z0-9.-]+/g, '-')
        .replace(/^-+|-+$/g, ''),
    )
    .filter(Boolean)
    .join('/');
}
