/**
 * The Swarm jobs (issue 22): a stack's workflow forms the swarm (`swarm.init` on the plan's leader,
 * `swarm.join` on every other member in the plan's order), applies its overlay networks and
 * services from the leader (`swarm.services`), checks them (`swarm.verify`) and takes it all down
 * again (`swarm.remove` on the leader, `swarm.leave` on each member). A member the plan dropped is
 * drained and demoted by `swarm.services`, leaves with `swarm.leave` and is forgotten by the
 * leader (`swarm.forget`).
 *
 * Join tokens never travel in params: `swarm.init` returns them in its result, and the edge moves
 * them into the org's secret store at {@link swarmTokenPath} before it stores the result (the
 * stored result has no `join_tokens`). A `swarm.join` lists that path in `secrets` and fetches
 * the value with its lease (FetchJobSecrets), like any other secret.
 */
import { z } from 'zod';
import {
  convergeHealthcheck,
  convergeLogging,
  convergeMount,
  convergeResources,
  plainName,
  port,
  seconds,
  secretPath,
  subnet,
  userLabels,
} from './converge-parts.ts';

export const swarmRoles = ['manager', 'worker'] as const;
export type SwarmRole = (typeof swarmRoles)[number];

/** Where the edge keeps a stack's join token for a role (a path in the org's secret store). */
export function swarmTokenPath(stack: string, role: SwarmRole): string {
  return `swarm/${stack}/join-${role}`;
}

/** `host:port` of a manager's Swarm API (2377 unless the init said otherwise). */
const managerAddress = z
  .string()
  .regex(/^[A-Za-z0-9.:[\]-]+:\d{1,5}$/, 'must be host:port, like 10.0.0.11:2377')
  .max(300);
const ipAddress = z.union([z.ipv4(), z.ipv6()]);

/** Labels set on the swarm's nodes (from the spec); kombify.node is the agent's own. */
const nodeLabels = userLabels;

export const swarmInitParams = z
  .object({
    stack: plainName,
    /** The address other nodes reach this one on; default: the address of the default route. */
    advertise_address: ipAddress.optional(),
  })
  .strict();

export const swarmInitResult = z.object({
  swarm_id: z.string(),
  node_id: z.string(),
  advertise_address: z.string(),
  /** False when this node already led this stack's swarm (converge is idempotent). */
  created: z.boolean(),
  /** Moved into the secret store by the edge; never stored with the job. */
  join_tokens: z.object({ manager: z.string(), worker: z.string() }).optional(),
});

export const swarmJoinParams = z
  .object({
    stack: plainName,
    role: z.enum(swarmRoles),
    /** The leader's Swarm address; the edge fills it in from `swarm.init`'s result before dispatch. */
    leader_address: managerAddress.optional(),
    advertise_address: ipAddress.optional(),
    /** The join token's path ({@link swarmTokenPath}): what FetchJobSecrets returns. */
    secrets: z.array(secretPath).length(1),
  })
  .strict();

export const swarmJoinResult = z.object({
  node_id: z.string(),
  role: z.enum(swarmRoles),
  joined: z.boolean(),
});

const swarmPort = z
  .object({
    container: port,
    host: port,
    protocol: z.enum(['tcp', 'udp']).default('tcp'),
    /** ingress: every node listens (Swarm's routing mesh); host: only nodes running a task. */
    mode: z.enum(['ingress', 'host']).default('ingress'),
  })
  .strict();

export const swarmUpdateConfig = z
  .object({
    parallelism: z.number().int().min(0).max(100),
    delay_s: z.number().min(0).max(3600),
    failure_action: z.enum(['rollback', 'pause', 'continue']),
    order: z.enum(['start-first', 'stop-first']),
    monitor_s: z.number().min(0).max(3600),
  })
  .strict();

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const swarmService = z
  .object({
    service: plainName,
    name: plainName,
    image: z.string().min(1).max(512),
    command: z.array(z.string().max(4096)).max(256).optional(),
    entrypoint: z.array(z.string().max(4096)).max(256).optional(),
    user: z.string().min(1).max(128).optional(),
    mode: z.enum(['replicated', 'global']),
    replicas: z.number().int().min(0).max(100).optional(),
    constraints: z.array(z.string().min(1).max(256)).max(16).default([]),
    ports: z.array(swarmPort).max(64).default([]),
    mounts: z.array(convergeMount).max(64).default([]),
    env: z
      .record(z.string().regex(envName, 'must be a valid environment variable name'), z.string())
      .default({}),
    /** Environment variables whose values are secrets: name → secret path. */
    secret_env: z.record(z.string().regex(envName), secretPath).default({}),
    /** Service labels (Traefik's Swarm provider reads these). */
    labels: userLabels.default({}),
    /** Labels on every task container. */
    container_labels: userLabels.default({}),
    restart: z.enum(['any', 'on-failure', 'none']).default('any'),
    healthcheck: convergeHealthcheck.optional(),
    networks: z.array(plainName).max(32).default([]),
    aliases: z.array(plainName).max(32).default([]),
    resources: convergeResources.optional(),
    logging: convergeLogging.optional(),
    update: swarmUpdateConfig,
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.mode === 'global' && s.replicas !== undefined)
      ctx.addIssue({ code: 'custom', path: ['replicas'], message: 'a global service takes no replicas' });
  });

export const swarmMember = z
  .object({
    /** The plan's node name (set as the Swarm node label kombify.node). */
    node: plainName,
    role: z.enum(swarmRoles),
    /** The Swarm node id; the edge fills it in from the member's init/join result before dispatch. */
    node_id: z.string().min(1).max(64).optional(),
    labels: nodeLabels.default({}),
  })
  .strict();

export const swarmServicesParams = z
  .object({
    stack: plainName,
    members: z.array(swarmMember).min(1).max(64),
    networks: z
      .array(
        z
          .object({ name: plainName, subnet: subnet.optional(), attachable: z.boolean().default(false) })
          .strict(),
      )
      .max(16)
      .default([]),
    services: z.array(swarmService).max(256),
    /** Every secret path the services use (secret_env): what FetchJobSecrets returns. */
    secrets: z.array(secretPath).max(256).default([]),
    /**
     * Plan names of members the plan dropped: drained (their tasks move first) and demoted if
     * managers, judged against the quorum with the rest; each then leaves (its swarm.leave) and
     * the leader forgets it (swarm.forget).
     */
    leaving: z.array(plainName).max(64).default([]),
    /** Remove this stack's services that are not in `services`. */
    prune: z.boolean().default(true),
    /** Say what would change (the plan step), change nothing. */
    dry_run: z.boolean().default(false),
    /** How long a service may take to run all its tasks before the job fails. */
    timeout_s: seconds.default(300),
  })
  .strict()
  .superRefine((p, ctx) => {
    const networks = new Set(p.networks.map((n) => n.name));
    const secrets = new Set(p.secrets);
    p.services.forEach((s, si) => {
      s.networks.forEach((n, ni) => {
        if (!networks.has(n))
          ctx.addIssue({
            code: 'custom',
            path: ['services', si, 'networks', ni],
            message: `network "${n}" is not declared in networks`,
          });
      });
      for (const [name, ref] of Object.entries(s.secret_env))
        if (!secrets.has(ref))
          ctx.addIssue({
            code: 'custom',
            path: ['services', si, 'secret_env', name],
            message: `secret "${ref}" is not declared in secrets`,
          });
    });
  });

const serviceOutcome = z.object({
  service: z.string(),
  name: z.string(),
  action: z.enum(['create', 'update', 'unchanged', 'remove']),
  /** Running tasks / desired tasks when the job ended, e.g. "2/2". */
  tasks: z.string().optional(),
  /** Ports as published (host mode where the node cannot do the routing mesh). */
  publish_mode: z.enum(['ingress', 'host']).optional(),
  reason: z.string().optional(),
});

export const swarmServicesResult = z.object({
  services: z.array(serviceOutcome),
  networks: z.array(z.object({ name: z.string(), action: z.enum(['create', 'unchanged', 'remove']) })),
  nodes: z.array(z.object({ node: z.string(), node_id: z.string(), role: z.string(), changed: z.boolean() })),
  /** What the agent decided that a user should know (e.g. no routing mesh on this kernel). */
  notes: z.array(z.string()),
});

export const swarmVerifyParams = z
  .object({
    stack: plainName,
    managers: z.number().int().min(1).max(64),
    workers: z.number().int().min(0).max(64),
    services: z
      .array(
        z
          .object({
            service: plainName,
            name: plainName,
            /** Published ports: each must answer on every node that should serve it. */
            ports: z
              .array(z.object({ port, protocol: z.enum(['tcp', 'udp']) }).strict())
              .max(64)
              .default([]),
          })
          .strict(),
      )
      .max(256),
    timeout_s: seconds.default(120),
  })
  .strict();

export const swarmVerifyResult = z.object({
  checks: z.array(
    z.object({
      service: z.string(),
      kind: z.enum(['nodes', 'tasks', 'endpoint']),
      target: z.string(),
      ok: z.boolean(),
      message: z.string(),
    }),
  ),
});

/** swarm.status: the swarm as a manager sees it now (read-only). */
export const swarmStatusParams = z.object({ stack: plainName }).strict();

export const swarmStatusResult = z.object({
  nodes: z.array(
    z.object({
      /** The plan's node name (the kombify.node label); null for a node the stack did not join. */
      node: z.string().nullable(),
      hostname: z.string(),
      node_id: z.string(),
      role: z.string(),
      state: z.string(),
      availability: z.string(),
      address: z.string(),
      leader: z.boolean(),
      reachability: z.string().nullable(),
      tasks: z.array(z.object({ service: z.string(), state: z.string() })),
    }),
  ),
  services: z.array(
    z.object({
      service: z.string(),
      name: z.string(),
      mode: z.enum(['replicated', 'global']),
      tasks: z.string(),
      update_state: z.string().nullable(),
      update_message: z.string().nullable(),
    }),
  ),
});

export const swarmRemoveParams = z.object({ stack: plainName }).strict();
/** On a manager: remove the entries of members that left (plan names), each once it is down. */
export const swarmForgetParams = z
  .object({
    stack: plainName,
    nodes: z.array(plainName).min(1).max(64),
    /** How long a node that left may take to show down before the job fails. */
    timeout_s: seconds.default(60),
  })
  .strict();
export const swarmForgetResult = z.object({
  nodes: z.array(
    z.object({ node: z.string(), node_id: z.string().nullable(), action: z.enum(['removed', 'absent']) }),
  ),
});
export const swarmLeaveParams = z.object({ stack: plainName }).strict();

export type SwarmInitParams = z.output<typeof swarmInitParams>;
export type SwarmInitResult = z.output<typeof swarmInitResult>;
export type SwarmJoinParams = z.output<typeof swarmJoinParams>;
export type SwarmJoinResult = z.output<typeof swarmJoinResult>;
export type SwarmServiceParams = z.output<typeof swarmService>;
export type SwarmServiceInput = z.input<typeof swarmService>;
export type SwarmServicesParams = z.output<typeof swarmServicesParams>;
export type SwarmServicesInput = z.input<typeof swarmServicesParams>;
export type SwarmServicesResult = z.output<typeof swarmServicesResult>;
export type SwarmVerifyParams = z.output<typeof swarmVerifyParams>;
export type SwarmVerifyInput = z.input<typeof swarmVerifyParams>;
export type SwarmVerifyResult = z.output<typeof swarmVerifyResult>;
export type SwarmRemoveParams = z.output<typeof swarmRemoveParams>;
export type SwarmStatusParams = z.output<typeof swarmStatusParams>;
export type SwarmStatusResult = z.output<typeof swarmStatusResult>;
export type SwarmLeaveParams = z.output<typeof swarmLeaveParams>;
export type SwarmForgetParams = z.output<typeof swarmForgetParams>;
export type SwarmForgetResult = z.output<typeof swarmForgetResult>;
