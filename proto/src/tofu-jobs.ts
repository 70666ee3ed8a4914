/**
 * The OpenTofu job types (`tofu.plan`, `tofu.apply`): params and results. Re-exported by jobs.ts,
 * which registers them with the other job types.
 *
 * File names become paths on the agent (`<data dir>/stacks/<stack>/<workspace>/<file>`), so they
 * are plain names, never paths: no separators, no `..`, no leading dot, and only the extensions
 * OpenTofu reads as configuration or variables.
 */
import { z } from 'zod';

/** Stack and workspace ids name directories: they start with a letter or digit, so never `.` or `..`. */
export const tofuDirName = z
  .string()
  .regex(
    /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/,
    'must be 1-128 characters: letters, digits, "_", "." or "-", starting with a letter or digit, no ".."',
  );

export const TOFU_FILE_MAX_BYTES = 512 * 1024;
export const TOFU_FILES_MAX_BYTES = 1024 * 1024;
export const TOFU_FILES_MAX_COUNT = 200;
const configFile = /\.(tf|tf\.json)$/;

/** A plain file name OpenTofu reads: *.tf, *.tf.json or *.tfvars; no directories, no `..`. */
export const tofuFileName = z
  .string()
  .max(128, 'must be at most 128 characters')
  .regex(
    /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9_.-]*\.(tf|tf\.json|tfvars)$/,
    'must be a plain file name ending in .tf, .tf.json or .tfvars (letters, digits, "_", "." or "-"; no directories, no "..")',
  );

const byteLength = (s: string) => new TextEncoder().encode(s).byteLength;

export const tofuFiles = z
  .record(
    tofuFileName,
    z
      .string()
      .refine((v) => byteLength(v) <= TOFU_FILE_MAX_BYTES, `must be at most ${TOFU_FILE_MAX_BYTES} bytes`),
  )
  .superRefine((files, ctx) => {
    const names = Object.keys(files);
    if (names.length > TOFU_FILES_MAX_COUNT) {
      ctx.addIssue({ code: 'custom', message: `at most ${TOFU_FILES_MAX_COUNT} files` });
    }
    if (!names.some((n) => configFile.test(n))) {
      ctx.addIssue({ code: 'custom', message: 'needs at least one configuration file (*.tf or *.tf.json)' });
    }
    const total = Object.values(files).reduce((sum, text) => sum + byteLength(text), 0);
    if (total > TOFU_FILES_MAX_BYTES) {
      ctx.addIssue({
        code: 'custom',
        message: `files add up to ${total} bytes; at most ${TOFU_FILES_MAX_BYTES} in all`,
      });
    }
  });

/**
 * The HTTP state backend: given to OpenTofu through TF_HTTP_* environment variables, never on a
 * command line or in a file. The edge makes these with `stateBackendFor` (short-lived credential).
 */
export const tofuBackend = z
  .object({
    address: z.url({ protocol: /^https?$/ }),
    lock_address: z.url({ protocol: /^https?$/ }),
    unlock_address: z.url({ protocol: /^https?$/ }),
    username: z.string().min(1).max(256),
    password: z.string().min(1).max(8192),
  })
  .strict();

/** How long to wait for the state lock another run holds; 0 (default): fail at once, naming the holder. */
const lockTimeout = z.number().int().min(0).max(3600).default(0);

export const tofuPlanParams = z
  .object({
    stack: tofuDirName,
    workspace: tofuDirName.default('default'),
    files: tofuFiles,
    /** Input variables, passed as TF_VAR_<name>. */
    vars: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,127}$/, 'must be a variable name'),
        z.string().max(64 * 1024),
      )
      .optional(),
    destroy: z.boolean().default(false),
    backend: tofuBackend.optional(),
    lock_timeout_s: lockTimeout,
  })
  .strict();

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256');

export const tofuApplyParams = z
  .object({
    stack: tofuDirName,
    workspace: tofuDirName.default('default'),
    /** The plan_sha256 a tofu.plan reported: apply refuses any other plan file. */
    plan_sha256: sha256,
    backend: tofuBackend.optional(),
    lock_timeout_s: lockTimeout,
  })
  .strict();

const changeCounts = z.object({
  add: z.number().int().min(0),
  change: z.number().int().min(0),
  destroy: z.number().int().min(0),
});

export const tofuResourceAction = z.enum([
  'create',
  'update',
  'delete',
  'replace',
  'read',
  'noop',
  'move',
  'import',
  'remove',
]);

export const tofuPlanResult = z.object({
  plan_sha256: sha256,
  changes: changeCounts,
  resources: z.array(z.object({ address: z.string(), action: tofuResourceAction })),
  binary: z.enum(['tofu', 'terraform']),
  version: z.string(),
});

export const tofuApplyResult = z.object({
  /** Sensitive outputs keep their type but have `value: null`. */
  outputs: z.record(z.string(), z.object({ value: z.unknown(), sensitive: z.boolean(), type: z.unknown() })),
  changes: changeCounts,
});

/** Params after defaults (what the agent gets); `…Input` is what callers may send. */
export type TofuPlanParams = z.output<typeof tofuPlanParams>;
export type TofuPlanInput = z.input<typeof tofuPlanParams>;
export type TofuApplyParams = z.output<typeof tofuApplyParams>;
export type TofuApplyInput = z.input<typeof tofuApplyParams>;
export type TofuBackend = z.output<typeof tofuBackend>;
export type TofuPlanResult = z.output<typeof tofuPlanResult>;
export type TofuApplyResult = z.output<typeof tofuApplyResult>;
export type TofuResourceAction = z.output<typeof tofuResourceAction>;
