/**
 * The job types an agent runs and the shape of their params. The edge validates params with these
 * schemas before it queues a job; the agent validates them again before it runs one. Field names are
 * snake_case because they travel as JSON (REST API) and protobuf Struct (agent stream).
 */
import { z } from 'zod';
import { nodeBootstrapParams } from './bootstrap-jobs.ts';
import { dockerContainerActionParams, dockerContainersParams, dockerLogsParams } from './container-jobs.ts';
import {
  convergeHealthcheck,
  convergeMount,
  convergeServiceExtras,
  plainName,
  port,
  secretPath,
  subnet,
  userLabels,
} from './converge-parts.ts';
import { type Issue, issuesFromZod } from './issue.ts';
import { type JobType, jobTypes } from './job-types.ts';
import {
  swarmForgetParams,
  swarmInitParams,
  swarmJoinParams,
  swarmLeaveParams,
  swarmRemoveParams,
  swarmServicesParams,
  swarmStatusParams,
  swarmVerifyParams,
} from './swarm-jobs.ts';
import { tofuApplyParams, tofuPlanParams } from './tofu-jobs.ts';

export * from './bootstrap-jobs.ts';
export * from './container-jobs.ts';
export { convergeHealthcheck, convergeMount } from './converge-parts.ts';
export * from './job-status.ts';
export * from './swarm-jobs.ts';
export * from './tofu-jobs.ts';

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const nodeFactsParams = z.object({}).strict();

export const dockerRunParams = z
  .object({
    image: z.string().min(1).max(512),
    name: plainName,
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
    name: plainName,
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

const stackId = plainName;

/** Adds an issue at `path` for every value that appears more than once. */
function refineUnique<T>(
  ctx: z.RefinementCtx,
  items: readonly T[],
  key: (item: T) => string | undefined,
  path: (index: number) => PropertyKey[],
  what: string,
): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const k = key(item);
    if (k === undefined) return;
    if (seen.has(k)) ctx.addIssue({ code: 'custom', path: path(index), message: `duplicate ${what} "${k}"` });
    seen.add(k);
  });
}

export const convergePort = z
  .object({
    container: port,
    host: port,
    protocol: z.enum(['tcp', 'udp']).default('tcp'),
    host_ip: z.union([z.ipv4(), z.ipv6()]).optional(),
  })
  .strict();

export const convergeService = z
  .object({
    service: plainName,
    name: plainName,
    image: z.string().min(1).max(512),
    command: z.array(z.string().max(4096)).max(256).optional(),
    env: z
      .record(z.string().regex(envName, 'must be a valid environment variable name'), z.string())
      .optional(),
    ports: z.array(convergePort).max(64).optional(),
    mounts: z.array(convergeMount).max(64).optional(),
    labels: userLabels.optional(),
    restart: z.enum(['no', 'always', 'unless-stopped', 'on-failure']).default('unless-stopped'),
    healthcheck: convergeHealthcheck.optional(),
    networks: z.array(plainName).max(32).optional(),
    ...convergeServiceExtras,
  })
  .strict();

/**
 * stack.converge: bring one node's part of a stack to the desired state. Names referenced by a
 * service (networks, volume mounts) must be declared at the top level, so everything the agent
 * creates carries the stack's labels and is removed with it.
 */
export const stackConvergeParams = z
  .object({
    stack: stackId,
    node: plainName,
    networks: z
      .array(
        z.object({ name: plainName, internal: z.boolean().optional(), subnet: subnet.optional() }).strict(),
      )
      .max(64)
      .default([]),
    volumes: z
      .array(z.object({ name: plainName }).strict())
      .max(256)
      .default([]),
    services: z.array(convergeService).max(256),
    /** Every secret path the services use (secret_env, secret files): what FetchJobSecrets returns. */
    secrets: z.array(secretPath).max(256).default([]),
    pull: z.enum(['missing', 'always', 'never']).default('missing'),
    remove_orphans: z.boolean().default(true),
    dry_run: z.boolean().default(false),
  })
  .strict()
  .superRefine((p, ctx) => {
    refineUnique(
      ctx,
      p.networks,
      (n) => n.name,
      (i) => ['networks', i, 'name'],
      'network',
    );
    refineUnique(
      ctx,
      p.volumes,
      (v) => v.name,
      (i) => ['volumes', i, 'name'],
      'volume',
    );
    refineUnique(
      ctx,
      p.services,
      (s) => s.service,
      (i) => ['services', i, 'service'],
      'service',
    );
    refineUnique(
      ctx,
      p.services,
      (s) => s.name,
      (i) => ['services', i, 'name'],
      'container name',
    );
    const hostPorts = p.services.flatMap((s, si) =>
      (s.ports ?? []).map((port, pi) => ({ port, path: ['services', si, 'ports', pi, 'host'] })),
    );
    refineUnique(
      ctx,
      hostPorts,
      (h) => `${h.port.host_ip ?? '*'}:${h.port.host}/${h.port.protocol}`,
      (i) => hostPorts[i]?.path ?? [],
      'host port',
    );
    const networks = new Set(p.networks.map((n) => n.name));
    const volumes = new Set(p.volumes.map((v) => v.name));
    const secrets = new Set(p.secrets);
    const undeclaredSecret = (ref: string, path: (string | number)[]) => {
      if (!secrets.has(ref))
        ctx.addIssue({ code: 'custom', path, message: `secret "${ref}" is not declared in secrets` });
    };
    p.services.forEach((s, si) => {
      for (const [name, ref] of Object.entries(s.secret_env ?? {}))
        undeclaredSecret(ref, ['services', si, 'secret_env', name]);
      s.files?.forEach((f, fi) => {
        if (f.secret !== undefined) undeclaredSecret(f.secret, ['services', si, 'files', fi, 'secret']);
      });
      s.networks?.forEach((n, ni) => {
        if (!networks.has(n))
          ctx.addIssue({
            code: 'custom',
            path: ['services', si, 'networks', ni],
            message: `network "${n}" is not declared in networks`,
          });
      });
      s.mounts?.forEach((m, mi) => {
        if (m.type === 'volume' && m.source !== undefined && !volumes.has(m.source))
          ctx.addIssue({
            code: 'custom',
            path: ['services', si, 'mounts', mi, 'source'],
            message: `volume "${m.source}" is not declared in volumes`,
          });
      });
    });
  });

const serviceHealth = z.enum(['healthy', 'unhealthy', 'starting', 'none']);

export const stackConvergeResult = z.object({
  services: z.array(
    z.object({
      service: z.string(),
      name: z.string(),
      action: z.enum(['create', 'update', 'unchanged', 'remove']),
      container_id: z.string().optional(),
      state: z.string().optional(),
      health: serviceHealth.optional(),
      reason: z.string().optional(),
    }),
  ),
  networks: z.array(
    z.object({
      name: z.string(),
      action: z.enum(['create', 'unchanged', 'remove']),
      reason: z.string().optional(),
    }),
  ),
  volumes: z.array(z.object({ name: z.string(), action: z.enum(['create', 'unchanged']) })),
  changes: z.object({
    create: z.number().int(),
    update: z.number().int(),
    remove: z.number().int(),
    unchanged: z.number().int(),
  }),
});

/** stack.remove: remove everything labelled with the stack (on one node when given). Idempotent. */
export const stackRemoveParams = z
  .object({
    stack: stackId,
    node: plainName.optional(),
    volumes: z.boolean().default(false),
  })
  .strict();

export const stackRemoveResult = z.object({
  removed: z.object({ containers: z.number().int(), networks: z.number().int(), volumes: z.number().int() }),
});

export const verifyCheck = z
  .object({
    service: plainName,
    /**
     * http/tcp: a published port answers. https: a proxy route — a TLS handshake with `sni` as the
     * server name must present a certificate for that name (the proxy picked the route), and the
     * request for it must come back from the backend (status below 500: no gateway error).
     */
    kind: z.enum(['http', 'tcp', 'https']),
    host: z.string().min(1).max(253).default('127.0.0.1'),
    port,
    path: z.string().regex(/^\//, 'must start with "/"').max(2048).default('/'),
    /** The route's host name (https only): TLS server name and Host header. */
    sni: z
      .string()
      .regex(
        /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
        'must be a host name',
      )
      .optional(),
    expect_status: z.array(z.number().int().min(100).max(599)).min(1).max(32).optional(),
    timeout_s: z.number().positive().max(3600).default(30),
    interval_s: z.number().positive().max(600).default(1),
  })
  .strict()
  .superRefine((c, ctx) => {
    if ((c.kind === 'https') !== (c.sni !== undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['sni'],
        message: 'an https check needs sni; other kinds take none',
      });
  });

/** stack.verify: HTTP and TCP checks of a stack's endpoints, each retried until its timeout. */
export const stackVerifyParams = z.object({ checks: z.array(verifyCheck).min(1).max(256) }).strict();

export const stackVerifyResult = z.object({
  checks: z.array(
    z.object({
      service: z.string(),
      kind: z.enum(['http', 'tcp', 'https']),
      target: z.string(),
      ok: z.boolean(),
      attempts: z.number().int(),
      status: z.number().int().optional(),
      message: z.string(),
    }),
  ),
});

/** node.prechecks: can this node take a stack? The job succeeds; the workflow judges the checks. */
export const nodePrechecksParams = z
  .object({
    ports: z.array(port).max(256).optional(),
    min_disk_mb: z.number().int().min(0).optional(),
    min_ram_mb: z.number().int().min(0).optional(),
    min_docker_version: z
      .string()
      .regex(/^\d+(\.\d+){0,2}$/, 'must be a version like 24 or 24.0.7')
      .optional(),
    /** Ports held by this stack's own containers count as passed. */
    stack: stackId.optional(),
    /** The node joins the stack's swarm in this role: being in another swarm is blocking. */
    swarm_role: z.enum(['manager', 'worker']).optional(),
  })
  .strict()
  .refine((p) => p.swarm_role === undefined || p.stack !== undefined, {
    path: ['stack'],
    message: 'a swarm check needs the stack',
  });

export const precheckNames = [
  'docker_version',
  'disk_space',
  'ram_available',
  'port_available',
  'swarm_membership',
] as const;

export const nodePrechecksResult = z.object({
  checks: z.array(
    z.object({
      name: z.enum(precheckNames),
      status: z.enum(['passed', 'failed', 'warning', 'skipped']),
      message: z.string(),
      blocking: z.boolean(),
    }),
  ),
});

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
    /** root's password (the node's own, made by the edge); absent: key-only login. */
    password: z.string().min(1).max(128).optional(),
    authorized_keys: z.array(z.string().max(16_384)).max(32).default([]),
    /** The host's registry mirror (sim/registry.ts in the agent), started on first need. */
    registry_image: z.string().min(1).max(512).default('kombify/sim-registry:latest'),
    registry_port: port.default(5000),
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

/**
 * A fault injected into a node (sim.node.fault): `kill` (SIGKILL, as a machine losing power; start
 * brings it back), `pause` (frozen), `partition` (the node drops traffic to and from `peers`, node
 * containers of its simulation; none named: all of them), `heal` (undo pause and partition).
 * `duration_s`: the host agent heals by itself after that long.
 */
export const simNodeFaultParams = simNodeRef
  .extend({
    kind: z.enum(['kill', 'pause', 'partition', 'heal']),
    peers: z.array(simContainer).max(100).default([]),
    duration_s: z.number().int().min(1).max(86_400).optional(),
  })
  .strict();

export const jobParamsSchemas = {
  'node.facts': nodeFactsParams,
  'docker.run': dockerRunParams,
  'docker.remove': dockerRemoveParams,
  'docker.containers': dockerContainersParams,
  'docker.logs': dockerLogsParams,
  'docker.container.action': dockerContainerActionParams,
  'agent.upgrade': agentUpgradeParams,
  'stack.converge': stackConvergeParams,
  'stack.remove': stackRemoveParams,
  'stack.verify': stackVerifyParams,
  'node.prechecks': nodePrechecksParams,
  'node.bootstrap': nodeBootstrapParams,
  'tofu.plan': tofuPlanParams,
  'tofu.apply': tofuApplyParams,
  'sim.node.create': simNodeCreateParams,
  'sim.node.start': simNodeRef,
  'sim.node.stop': simNodeRef,
  'sim.node.delete': simNodeRef,
  'sim.node.logs': simNodeLogsParams,
  'sim.node.fault': simNodeFaultParams,
  'swarm.init': swarmInitParams,
  'swarm.join': swarmJoinParams,
  'swarm.services': swarmServicesParams,
  'swarm.verify': swarmVerifyParams,
  'swarm.remove': swarmRemoveParams,
  'swarm.leave': swarmLeaveParams,
  'swarm.forget': swarmForgetParams,
  'swarm.status': swarmStatusParams,
} as const satisfies Record<JobType, z.ZodType>;

export { type JobType, jobTypes };
export type DockerRunParams = z.output<typeof dockerRunParams>;
export type DockerRemoveParams = z.output<typeof dockerRemoveParams>;
export type AgentUpgradeParams = z.output<typeof agentUpgradeParams>;
/** Params after defaults (what executors get); `…Input` is what callers may send. */
export type StackConvergeParams = z.output<typeof stackConvergeParams>;
export type StackConvergeInput = z.input<typeof stackConvergeParams>;
export type ConvergeService = z.output<typeof convergeService>;
export type ConvergeServiceInput = z.input<typeof convergeService>;
export type { ConvergeFile } from './converge-parts.ts';
export { maxFileBytes, secretPath, secretPathPattern } from './converge-parts.ts';
export type StackConvergeResult = z.output<typeof stackConvergeResult>;
export type StackRemoveParams = z.output<typeof stackRemoveParams>;
export type StackRemoveResult = z.output<typeof stackRemoveResult>;
export type StackVerifyParams = z.output<typeof stackVerifyParams>;
export type VerifyCheckInput = z.input<typeof verifyCheck>;
export type StackVerifyResult = z.output<typeof stackVerifyResult>;
export type NodePrechecksParams = z.output<typeof nodePrechecksParams>;
export type NodePrechecksResult = z.output<typeof nodePrechecksResult>;
export type SimNodeRef = z.output<typeof simNodeRef>;
export type SimNodeCreateParams = z.output<typeof simNodeCreateParams>;
export type SimNodeLogsParams = z.output<typeof simNodeLogsParams>;
export type SimNodeFaultParams = z.output<typeof simNodeFaultParams>;

/**
 * Who made a job (the `origin` of the agent's Job message), set by the edge's jobs domain: a stack's
 * workflow, a simulated node's lifecycle, the edge's own typed actions (pre-checks, bootstrap,
 * container views, upgrades), or a raw job sent to `POST /v1/orchestrator/jobs` ("api"). The agent's
 * local policy refuses raw jobs unless the node's owner allows them (issue 20, H2).
 */
export const jobOrigins = ['stack', 'simulation', 'edge', 'api'] as const;
export type JobOrigin = (typeof jobOrigins)[number];

export function isJobType(value: string): value is JobType {
  return Object.hasOwn(jobParamsSchemas, value);
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

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
