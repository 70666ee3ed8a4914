/**
 * The job types an agent runs and the shape of their params. The edge validates params with these
 * schemas before it queues a job; the agent validates them again before it runs one. Field names are
 * snake_case because they travel as JSON (REST API) and protobuf Struct (agent stream).
 */
import { z } from 'zod';

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

// ── KombiSim: simulated nodes, run by the agent on the user's machine (the host worker) ──────────
const simId = z.string().regex(/^sim_[a-z2-7]{1,40}$/, 'must be a simulation id (sim_…)');
const simNodeId = z.string().regex(/^node_[a-z2-7]{1,40}$/, 'must be a node id (node_…)');
const simContainer = z.string().regex(/^kombisim-[a-z0-9-]{1,100}$/, 'must be a kombisim-… container name');

/** Which node a lifecycle job acts on: its container, and the simulation network it belongs to. */
export const simNodeRef = z
  .object({ simulation_id: simId, node_id: simNodeId, container: simContainer, network: simContainer })
  .strict();

/** Create (and by default start) one node: a container from the node image with sshd on ssh_port. */
export const simNodeCreateParams = simNodeRef
  .extend({
    image: z.string().min(1).max(512),
    hostname: z.string().regex(/^[a-z][a-z0-9-]{0,61}[a-z0-9]$|^[a-z]$/, 'must be a DNS label'),
    ssh_port: port,
    /** The host address the SSH port is published on (loopback unless the edge is told otherwise). */
    ssh_bind: z.union([z.ipv4(), z.ipv6()]).default('127.0.0.1'),
    cpu: z.number().positive().max(64),
    memory_mb: z.number().int().min(64).max(1_048_576),
    latency_ms: z.number().int().min(0).max(10_000).optional(),
    loss_percent: z.number().min(0).max(100).optional(),
    password: z.string().min(1).max(128),
    authorized_keys: z.array(z.string().max(16_384)).max(32).default([]),
    start: z.boolean().default(true),
    /** The node's own agent, enrolled as a simulated worker (simulation as deploy target). */
    agent: z
      .object({
        edge_url: z.url(),
        enrollment_token: z.string().min(1).max(256),
        worker_name: z.string().max(63),
      })
      .strict()
      .optional(),
  })
  .strict();

/** The node's own output (init, sshd, the node's agent): the last `tail` lines. */
export const simNodeLogsParams = simNodeRef
  .extend({ tail: z.number().int().min(1).max(5000).default(200) })
  .strict();

export const jobParamsSchemas = {
  'node.facts': nodeFactsParams,
  'docker.run': dockerRunParams,
  'docker.remove': dockerRemoveParams,
  'agent.upgrade': agentUpgradeParams,
  'sim.node.create': simNodeCreateParams,
  'sim.node.start': simNodeRef,
  'sim.node.stop': simNodeRef,
  'sim.node.delete': simNodeRef,
  'sim.node.logs': simNodeLogsParams,
} as const;

export type JobType = keyof typeof jobParamsSchemas;
export const jobTypes = Object.keys(jobParamsSchemas) as JobType[];
export type DockerRunParams = z.output<typeof dockerRunParams>;
export type DockerRemoveParams = z.output<typeof dockerRemoveParams>;
export type AgentUpgradeParams = z.output<typeof agentUpgradeParams>;
export type SimNodeRef = z.output<typeof simNodeRef>;
export type SimNodeCreateParams = z.output<typeof simNodeCreateParams>;
export type SimNodeLogsParams = z.output<typeof simNodeLogsParams>;

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
