/**
 * The container job types behind a node's container view (`docker.containers`, `docker.logs`,
 * `docker.container.action`): params and results. Re-exported by jobs.ts, which registers them
 * with the other job types. They reach only containers kombify manages on the node (the
 * `kombify.managed` label): a node's other containers are its owner's, not ours to show or touch.
 */
import { z } from 'zod';

const containerName = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/, 'must be 1-128 characters: letters, digits, "_", "." or "-"');

export const dockerContainersParams = z.object({}).strict();

/** A container as the node's container view shows it. */
export const containerSummary = z.object({
  name: z.string(),
  stack: z.string().nullable(),
  service: z.string().nullable(),
  image: z.string(),
  image_digest: z.string().nullable(),
  state: z.string(),
  health: z.string().nullable(),
  ports: z.array(z.object({ container: z.number(), host: z.number().nullable(), protocol: z.string() })),
  started_at: z.string().nullable(),
  restarts: z.number(),
});
export const dockerContainersResult = z.object({ containers: z.array(containerSummary) });

/** Logs end where the job does: `follow` keeps reading until `max_seconds` or a cancel. */
export const dockerLogsParams = z
  .object({
    name: containerName,
    tail: z.number().int().min(0).max(10_000).default(200),
    /** Seconds since the epoch: only lines written since then. */
    since: z.number().int().min(0).optional(),
    follow: z.boolean().default(false),
    max_seconds: z.number().int().min(1).max(1800).default(600),
  })
  .strict();

export const dockerContainerActionParams = z
  .object({ name: containerName, action: z.enum(['start', 'stop', 'restart']) })
  .strict();

export type ContainerSummary = z.output<typeof containerSummary>;
export type DockerLogsParams = z.output<typeof dockerLogsParams>;
export type DockerContainerActionParams = z.output<typeof dockerContainerActionParams>;
