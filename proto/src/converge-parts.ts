/**
 * The parts of a `stack.converge` service beyond image, ports and mounts (issue 16): secret
 * references, files the agent places, log options, entrypoint, user, aliases and limits. Kept
 * apart from jobs.ts so each file stays readable; jobs.ts composes them into `convergeService`.
 *
 * Secrets travel as references only (`postgres/password`, the part after `secret://`): the job's
 * `secrets` lists every reference its services use, and the agent fetches the values for that job
 * with AgentService.FetchJobSecrets (bound to the job and its lease, single use). No value is ever
 * in job params, so none can reach the job store, events, logs or exports.
 */
import { z } from 'zod';

const dnsLikeName = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
/** A container, network, volume, service, node or stack name as the agent uses it. */
export const plainName = z
  .string()
  .regex(dnsLikeName, 'must be 1-128 characters: letters, digits, "_", "." or "-"');
export const port = z.number().int().min(1).max(65535);
/** The spec's own labels: kombify.* is the agent's. */
export const userLabels = z.record(
  z.string().refine((k) => !k.startsWith('kombify.'), 'labels starting with "kombify." are reserved'),
  z.string(),
);
export const seconds = z.number().positive().max(86_400);

/** A secret's path in the org's store: `postgres/password` (segments, no `..`, no leading `/`). */
export const secretPathPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;
export const secretPath = z
  .string()
  .max(255)
  .regex(
    secretPathPattern,
    'must be a secret path like postgres/password (letters, digits, ".", "_", "-", "/")',
  )
  .refine((p) => !p.split('/').includes('..'), 'must not contain ".." segments');

const absolutePath = z
  .string()
  .regex(/^\/[^\0]*$/, 'must be an absolute path')
  .max(4096)
  .refine((p) => !p.split('/').includes('..'), 'must not contain ".." segments');

/** 1 MiB: a config file, not a data set. */
export const maxFileBytes = 1024 * 1024;

/**
 * A file placed in the container before it starts: plain `content`, or a `secret` whose value the
 * file holds (written to tmpfs, mode 0400 unless `mode` says otherwise). The agent hashes each
 * file into the container's spec hash (the content; a secret file by its path and the service's
 * `secret_rev`), so a change re-creates only the containers that mount the changed file.
 */
export const convergeFile = z
  .object({
    path: absolutePath,
    content: z.string().max(maxFileBytes).optional(),
    secret: secretPath.optional(),
    mode: z.number().int().min(0).max(0o777).optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if ((f.content === undefined) === (f.secret === undefined))
      ctx.addIssue({ code: 'custom', path: ['content'], message: 'a file has either content or a secret' });
  });

export const convergeLogging = z
  .object({
    driver: z.literal('json-file'),
    options: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/), z.string().max(64)),
  })
  .strict();

export const convergeResources = z
  .object({
    /** CPU limit in billionths of a CPU (Docker's NanoCpus). */
    nano_cpus: z.number().int().min(1_000_000).optional(),
    memory_bytes: z
      .number()
      .int()
      .min(6 * 1024 * 1024)
      .optional(),
  })
  .strict();

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The fields convergeService adds for issue 16; all optional, so older plans still parse. */
export const convergeServiceExtras = {
  entrypoint: z.array(z.string().max(4096)).max(256).optional(),
  user: z.string().min(1).max(128).optional(),
  aliases: z
    .array(z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/))
    .max(32)
    .optional(),
  resources: convergeResources.optional(),
  /** Environment variables whose values are secrets: name → secret path. */
  secret_env: z
    .record(z.string().regex(envName, 'must be a valid environment variable name'), secretPath)
    .optional(),
  files: z.array(convergeFile).max(64).optional(),
  /**
   * Which values of its secrets the service runs with (the edge sets it: a hash of the secrets'
   * paths and versions, never of a value). Part of the desired state, so a rotated secret
   * re-creates exactly the containers that use it.
   */
  secret_rev: z
    .string()
    .regex(/^[0-9a-f]{8,64}$/)
    .optional(),
  logging: convergeLogging.optional(),
  /**
   * Run in every newly created container once it has started, before the next service starts:
   * how a service whose image reads a secret only on first start takes the current one after a
   * rotation (PostgreSQL's POSTGRES_PASSWORD: `ALTER ROLE` over the local socket; idempotent, so
   * it runs on a first deploy too). The command reads the value from the container's own env; no
   * value is ever in it. A non-zero exit fails the job.
   */
  apply_secrets: z
    .object({
      exec: z.array(z.string().max(4096)).min(1).max(64),
      timeout_s: z.number().int().min(1).max(600).optional(),
    })
    .strict()
    .optional(),
};

export const convergeMount = z
  .object({
    type: z.enum(['volume', 'bind', 'tmpfs']),
    source: z.string().min(1).max(4096).optional(),
    target: z.string().regex(/^\//, 'must be an absolute path').max(4096),
    read_only: z.boolean().optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.type === 'tmpfs' && m.source !== undefined)
      ctx.addIssue({ code: 'custom', path: ['source'], message: 'a tmpfs mount takes no source' });
    if (m.type !== 'tmpfs' && m.source === undefined)
      ctx.addIssue({ code: 'custom', path: ['source'], message: `a ${m.type} mount needs a source` });
    if (m.type === 'bind' && m.source !== undefined && !m.source.startsWith('/'))
      ctx.addIssue({
        code: 'custom',
        path: ['source'],
        message: 'a bind mount source must be an absolute path',
      });
    // Bind mounts travel as Docker `Binds` strings (source:target[:ro]).
    if (m.type === 'bind' && (m.source?.includes(':') || m.target.includes(':')))
      ctx.addIssue({ code: 'custom', path: ['source'], message: 'a bind mount path cannot contain ":"' });
  });

export const convergeHealthcheck = z
  .object({
    test: z.array(z.string().max(4096)).min(1).max(256),
    interval_s: seconds.optional(),
    timeout_s: seconds.optional(),
    retries: z.number().int().min(0).max(1000).optional(),
    start_period_s: z.number().min(0).max(86_400).optional(),
  })
  .strict();

/** An IPv4 CIDR like 172.20.0.0/16. */
export const subnet = z
  .string()
  .regex(
    /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/,
    'must be an IPv4 CIDR like 172.20.0.0/16',
  );

export type ConvergeFile = z.output<typeof convergeFile>;
