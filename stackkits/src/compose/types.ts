/**
 * What the compose importer takes and gives (see import-compose.ts). Every problem carries the
 * compose file, the path inside it (`services.web.ports[0]`) and, when the file had it, the
 * 1-based line and column.
 */
import type { PositionedIssue } from '@kombify/proto/issue';
import type { KombinationInput } from '../spec/schema.ts';
import type { KitName } from '../spec/vocabulary.ts';

export const composeIssueCodes = [
  /** Not YAML, not a mapping, too large, aliases that expand too far. */
  'parse_error',
  /** Breaks the Compose Specification's JSON Schema. */
  'schema',
  /** `${VAR:?message}` without VAR, or a malformed `${…}`. */
  'interpolation',
  /** Compose allows it, kombify cannot run it (build:, privileged, network_mode: host, devices, …). */
  'unsupported',
  /** Mapped, but something about it is not carried over (a restart count, a reservation, …). */
  'not_kept',
  /** Left out on purpose (x- extensions, version:, services outside the active profiles). */
  'ignored',
  /** Mapped under another name or form (a service renamed to a DNS label, a duration rewritten). */
  'changed',
  /** A value that looks like a secret became a secret:// reference; store its value. */
  'secret',
  /** A value kombify cannot use as it is (an env name, a volume name, a relative bind path). */
  'invalid_value',
  /** depends_on, a secret or a config that names nothing in the file(s). */
  'invalid_reference',
  /** The spec made from the file breaks a kombination.yaml rule (port clash with the kit, …). */
  'spec',
] as const;
export type ComposeIssueCode = (typeof composeIssueCodes)[number];

/** The shared issue shape (`path` like `services.web.ports[0]`) plus the file it is in. */
export interface ComposeIssue extends PositionedIssue {
  /** The compose file (as named in the input); `kombination.yaml` for problems of the target spec. */
  file: string;
  code: ComposeIssueCode;
}

export interface ComposeFile {
  /** Shown in issues, e.g. `docker-compose.yml`. */
  name: string;
  text: string;
}

export interface ComposeImportInput {
  /** One or more compose files, merged in order as `docker compose -f a -f b` merges them. */
  files: readonly ComposeFile[];
  /** `.env` text: the variables `${VAR}` interpolation reads. Nothing else is read. */
  env?: string;
  /** Profiles to activate; default COMPOSE_PROFILES from `env`, else none. `*` activates all. */
  profiles?: readonly string[];
  /** The StackKit the spec is for; default: the existing spec's, else auto-selected. */
  kit?: KitName;
  /** Node every imported service runs on; default the existing spec's first main node. */
  node?: string;
  /** Stack name for a new spec; default the compose `name:`, else `homelab`. */
  name?: string;
  /** An existing kombination.yaml to add the services to (names kept unique). */
  into?: string;
  /**
   * Absolute directory relative bind paths (`./data:/data`) are resolved against; without it they
   * are errors. It names a directory on the node, which must exist there.
   */
  projectDir?: string;
  /**
   * Reads a file the compose file names (env_file, configs/secrets `file:`), relative to the
   * compose file; undefined when it cannot. Without it those files are reported, not inlined.
   */
  readFile?: (path: string) => string | undefined;
}

/** A value that became a `secret://` reference. */
export interface ProposedSecret {
  ref: string;
  /** The OpenTofu variable that carries it (TF_VAR_<variable>). */
  variable: string;
  /** Where the value came from, like `services.db.environment.POSTGRES_PASSWORD`. */
  from: string;
}

export interface ComposeImportResult {
  /** The kombination.yaml document (merged into `into`); only when it is valid. */
  spec?: KombinationInput;
  /** `spec` as YAML text; only when it is valid. */
  yaml?: string;
  /** Mapped, with something to know; the spec is still valid. */
  warnings: ComposeIssue[];
  /** Why no valid spec could be made; empty when `spec` is set. */
  errors: ComposeIssue[];
  /** Names of the services added, in order (after renaming). */
  services: string[];
  secrets: ProposedSecret[];
  /**
   * The values of `secrets` that were in the files, by ref. Sensitive: store them (the CLI writes
   * a 0600 *.auto.tfvars.json), never log or echo them.
   */
  secretValues: Record<string, string>;
}
