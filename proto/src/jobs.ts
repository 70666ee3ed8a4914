/**
 * The job types an agent runs and the shape of their params. The edge validates params with these
 * schemas before it queues a job; the agent validates them again before it runs one. Field names are
 * snake_case because they travel as JSON (REST API) and protobuf Struct (agent stream).
 */
import { z } from 'zod';
import { tofuApplyParams, tofuPlanParams } from './tofu-jobs.ts';

export * from './tofu-jobs.ts';

const dnsLikeName = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;
const port = z.number().int().min(1).max(65535);

export const nodeFactsParams = z.object({}).strict();

export const dockerRunParams = z
  .object({
    image: z.string().min(1).max(512),
    name: z.string().regex(dnsLikeName, 'must be 1-128 characters: letters, digits, "_", "." or "-"'),
    command: z.array(z.string().max(4096)).max(256).optional(),
    env: z
      .record(z.string().regex(envName, 'must be a valid environment variable name'), z.string())
      .optional(),
    ports: z
      .array(
        z
          .object({
            container: port,
            host: port,
            protocol: z.enum(['tcp', 'udp']).default('tcp'),
            host_ip: z.union([z.ipv4(), z.ipv6()]).optional(),
          })
          .strict(),
      )
      .max(64)
      .optional(),
    labels: z
      .record(
        z.string().refine((k) => !k.startsWith('kombify.'), 'labels starting with "kombify." are reserved'),
        z.string(),
      )
      .optional(),
  })
  .strict();

export const dockerRemoveParams = z
  .object({
    name: z.string().regex(dnsLikeName, 'must be 1-128 characters: letters, digits, "_", "." or "-"'),
  })
  .strict();

/** Upgrade the agent itself to a published release (the edge's current one when no version is given). */
export const agentUpgradeParams = z
  .object({
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'must be a version like 1.2.3')
      .optional(),
  })
  .strict();

export const jobParamsSchemas = {
  'node.facts': nodeFactsParams,
  'docker.run': dockerRunParams,
  'docker.remove': dockerRemoveParams,
  'agent.upgrade': agentUpgradeParams,
  'tofu.plan': tofuPlanParams,
  'tofu.apply': tofuApplyParams,
} as const;

export type JobType = keyof typeof jobParamsSchemas;
export const jobTypes = Object.keys(jobParamsSchemas) as JobType[];
export type DockerRunParams = z.output<typeof dockerRunParams>;
export type DockerRemoveParams = z.output<typeof dockerRemoveParams>;
export type AgentUpgradeParams = z.output<typeof agentUpgradeParams>;

export function isJobType(value: string): value is JobType {
  return Object.hasOwn(jobParamsSchemas, value);
}

export interface FieldIssue {
  path: string;
  code: string;
  message: string;
}

/** Formats a zod path like ['ports', 0, 'host'] as `ports[0].host`, under an optional prefix. */
export function formatPath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

export function issuesFromZod(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: formatPath(issue.path, prefix),
    code: issue.code === 'invalid_type' && issue.input === undefined ? 'required' : issue.code,
    message: issue.message,
  }));
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] };

/** Validates params for a job type; issues carry paths under `params`. */
export function parseJobParams(type: string, params: unknown): ParseResult<Record<string, unknown>> {
  if (!isJobType(type)) {
    return {
      ok: false,
      issues: [
        {
          path: 'type',
          code: 'invalid_value',
          message: `unknown job type "${type}"; known: ${jobTypes.join(', ')}`,
        },
      ],
    };
  }
  const parsed = jobParamsSchemas[type].safeParse(params ?? {});
  if (!parsed.success) return { ok: false, issues: issuesFromZod(parsed.error, 'params') };
  return { ok: true, value: parsed.data as Record<string, unknown> };
}
