/**
 * The JSON of the edge's KombiSim and stack routes, as zod schemas (the rest is in ./api.ts, which
 * re-exports these: import them from `@kombify/proto/api`). Field names are the wire's snake_case.
 */
import { z } from 'zod';
import { positionedIssue } from './issue.ts';
import { swarmStatusResult } from './swarm-jobs.ts';

const iso = z.string();

// ── KombiSim (`/api/v1/simulations`, `/api/v1/nodes`, `/api/v1/templates`) ─────────────────────

/** A simulated node (`GET /api/v1/nodes/{id}`, and in a simulation's `nodes`). */
export const simNode = z.object({
  id: z.string(),
  simulation_id: z.string(),
  name: z.string(),
  type: z.string(),
  os: z.string(),
  status: z.string(),
  ssh_port: z.number().nullable(),
  ip: z.string(),
  resources: z.object({ cpu: z.number(), memory: z.string(), disk: z.string() }),
  network: z.object({ latency_ms: z.number(), loss_percent: z.number() }),
  error: z.string().nullable(),
  created_at: iso,
});
/** `GET /api/v1/simulations/{id}`, `POST /api/v1/simulations` and `/templates/{name}/apply` (201). */
export const simulation = z.object({
  id: z.string(),
  name: z.string(),
  template: z.string().nullable(),
  status: z.string(),
  worker_id: z.string().nullable(),
  deploy_target: z.boolean(),
  created_at: iso,
  nodes: z.array(simNode),
});
/** `GET /api/v1/templates` */
export const simTemplate = z.object({
  name: z.string(),
  category: z.string(),
  description: z.string(),
  node_count: z.number(),
  /** Whether applying it makes a deploy target unless the request says (multi-node ones do). */
  deploy_target: z.boolean().default(false),
  nodes: z.array(z.object({ name: z.string(), type: z.string(), order: z.number() })),
});
/** `GET /api/v1/nodes/{id}/events` (injected faults and their healing) */
export const simNodeEvents = z.object({
  data: z.array(z.object({ id: z.string(), kind: z.string(), message: z.string(), at: z.string() })),
});
/** `POST|DELETE /api/v1/nodes/{id}/faults` */
export const simFaultResult = z
  .object({ node: z.object({ status: z.string() }).passthrough() })
  .passthrough();
/** `GET /api/v1/nodes/{id}/ssh` */
export const sshDetails = z.object({
  host: z.string(),
  port: z.number(),
  user: z.string(),
  /** `password` (the node's own) or `keys` (key-only login). */
  login: z.enum(['password', 'keys']),
  /** Shown once, to owners and admins; null after that, for other roles and key-only nodes. */
  password: z.string().nullable(),
  /** Why there is no password, or that it is shown only this once. */
  password_note: z.string().optional(),
  command: z.string(),
});

// ── Stacks and workflows (`/v1/orchestrator/stacks`, `/v1/orchestrator/workflows`) ──────────────

/** One spec problem in a `VALIDATION_FAILED` answer's details (YAML ones carry line and column). */
export const specProblem = positionedIssue;
/** `GET /v1/orchestrator/stacks` (one row) */
export const stackSummary = z.object({
  id: z.string(),
  name: z.string(),
  kit: z.string(),
  status: z.string(),
  created_at: iso,
  updated_at: iso,
});
const binding = z.union([
  z.object({ worker_id: z.string() }),
  z.object({ worker_name: z.string() }),
  z.object({ labels: z.record(z.string(), z.string()) }),
]);
/** A service's planned or applied action on a node (`plan`/`apply` step detail, drift). */
export const serviceChange = z
  .object({ service: z.string(), action: z.string(), reason: z.string().optional() })
  .loose();
/** One node's part of a plan: counts and the service actions. */
export const nodeChanges = z.object({
  node: z.string(),
  changes: z
    .object({ create: z.number(), update: z.number(), remove: z.number(), unchanged: z.number() })
    .nullable(),
  services: z.array(serviceChange),
});
/** `GET /v1/orchestrator/stacks/{id}` */
export const stackDetails = z.object({
  id: z.string(),
  name: z.string(),
  kit: z.string(),
  status: z.string(),
  current_version: z.number(),
  versions: z.number(),
  bindings: z.record(z.string(), binding),
  active_workflow_id: z.string().nullable(),
  drift: z.object({
    interval_seconds: z.number(),
    last: z
      .object({
        checked_at: iso,
        workflow_id: z.string(),
        drifted: z.boolean(),
        services: z.array(serviceChange.extend({ node: z.string() })),
      })
      .nullable(),
  }),
  created_at: iso,
  updated_at: iso.optional(),
});
/** `GET /v1/orchestrator/stacks/{id}/versions` (one entry) */
export const specVersion = z.object({
  version: z.number(),
  current: z.boolean(),
  name: z.string(),
  kit: z.string(),
  format: z.string(),
  note: z.string().nullable(),
  options: z.unknown(),
  tofu_files: z.array(z.string()),
  created_at: iso,
});
/** A workflow event (in a run's `events`, and the SSE `event` items). */
export const workflowEvent = z.object({
  seq: z.number(),
  at: iso,
  kind: z.string(),
  step: z.string().nullable(),
  message: z.string(),
  data: z.unknown(),
});
/** `GET /v1/orchestrator/stacks/{id}/workflows` (one row), `POST …/deploy|plan|…` (202). */
export const workflowSummary = z.object({
  id: z.string(),
  stack_id: z.string(),
  kind: z.string(),
  status: z.string(),
  spec_version: z.number(),
  options: z.unknown(),
  workers: z.unknown(),
  current_step: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).loose().nullable(),
  requested_by: z.string().nullable(),
  created_at: iso,
  started_at: iso.nullable(),
  finished_at: iso.nullable(),
});

/** `GET /v1/orchestrator/workflows/{id}`: the whole run. */
export const workflow = workflowSummary.extend({
  steps: z.array(
    z.object({
      name: z.string(),
      status: z.string(),
      started_at: iso.nullable(),
      finished_at: iso.nullable(),
      detail: z.unknown(),
      error: z.object({ code: z.string(), message: z.string() }).loose().nullable(),
    }),
  ),
  jobs: z.array(
    z
      .object({
        id: z.string(),
        step: z.string().nullable(),
        node: z.string(),
        worker_id: z.string(),
        type: z.string(),
        status: z.string(),
        error: z.unknown(),
        created_at: iso,
      })
      .loose(),
  ),
  events: z.array(workflowEvent),
});
/** SSE `log` items of `GET /v1/orchestrator/workflows/{id}/events`. */
export const workflowLogItem = z.object({
  job_id: z.string(),
  node: z.string(),
  line: z.object({ seq: z.number(), at: iso, stream: z.string(), text: z.string() }),
});
/** `POST /v1/stackkits/validate` */
export const specValid = z.object({
  valid: z.literal(true),
  name: z.string(),
  kit: z.string(),
  nodes: z.number(),
  services: z.number(),
});

/** A compose import problem (`POST /v1/stackkits/import`): the shared issue shape plus its file. */
export const composeIssue = positionedIssue.extend({ file: z.string() });
/** `POST /v1/stackkits/import` */
export const composeImport = z.object({
  spec: z.record(z.string(), z.unknown()),
  yaml: z.string(),
  warnings: z.array(composeIssue),
  services: z.array(z.string()),
  secrets: z.array(z.object({ ref: z.string(), variable: z.string(), from: z.string() })),
});
/** `GET /v1/stackkits/apps`: one catalog app (its type is the stackkits package's `AppSummary`). */
export const appSummary = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  category: z.string(),
  upstream: z.string(),
  kits: z.array(z.string()),
  resources: z.object({ cpu: z.number(), memory: z.string(), disk: z.string().optional() }),
  route: z.object({ service: z.string(), port: z.number(), subdomain: z.string() }),
  images: z.array(z.string()),
  secrets: z.array(z.string()),
});
export const appList = z.array(appSummary);
/** `POST /v1/orchestrator/stacks/{id}/apps` (201): the new version; the generated secrets, shown once. */
export const addedApp = z.object({
  version: specVersion,
  app: z.string(),
  services: z.array(z.string()),
  secrets: z.array(
    z.object({ ref: z.string(), variable: z.string(), description: z.string(), value: z.string() }),
  ),
});

export type SimNode = z.infer<typeof simNode>;
export type Simulation = z.infer<typeof simulation>;
export type BindingProposal = z.infer<typeof bindingProposal>;
export type SimTemplate = z.infer<typeof simTemplate>;
export type SshDetails = z.infer<typeof sshDetails>;
export type SpecProblem = z.infer<typeof specProblem>;
export type StackSummary = z.infer<typeof stackSummary>;
export type StackDetails = z.infer<typeof stackDetails>;
export type SpecVersion = z.infer<typeof specVersion>;
export type NodeChanges = z.infer<typeof nodeChanges>;
export type WorkflowEvent = z.infer<typeof workflowEvent>;
export type WorkflowSummary = z.infer<typeof workflowSummary>;
export type Workflow = z.infer<typeof workflow>;
export type WorkflowLogItem = z.infer<typeof workflowLogItem>;
/** `GET /v1/orchestrator/stacks/{id}/bindings/proposal?simulation=`: bindings to review, not saved. */
export const bindingProposal = z.object({
  simulation: z.string(),
  bindings: z.record(z.string(), z.object({ simulation: z.string(), node: z.string() })),
  nodes: z.array(
    z.object({
      node: z.string(),
      type: z.string(),
      sim_node: z.string(),
      sim_node_type: z.string(),
      /** The simulated worker the binding resolves to now; null until the node's agent enrolled. */
      worker_id: z.string().nullable(),
      reason: z.string(),
    }),
  ),
  unmatched: z.array(z.object({ node: z.string(), reason: z.string() })),
});

export const simulationList = z.array(simulation);
export const simNodeList = z.array(simNode);
export const simTemplateList = z.array(simTemplate);
export const stackList = z.array(stackSummary);
export const specVersionList = z.array(specVersion);
export const workflowSummaryList = z.array(workflowSummary);
export const nodeChangesList = z.array(nodeChanges);
/** `GET /v1/orchestrator/stacks/{id}/spec`: the version's text and the spec it parsed to. */
export const stackSpec = z.object({
  version: z.number(),
  format: z.string(),
  source: z.string(),
  spec: z
    .object({
      name: z.string(),
      nodes: z.array(z.object({ name: z.string(), type: z.string() }).loose()),
    })
    .loose(),
  options: z.unknown(),
  tofu: z.unknown(),
});
/** `GET /v1/orchestrator/nodes`: every stack node with its binding, worker and status. */
export const stackNode = z.object({
  id: z.string(),
  stack_id: z.string(),
  stack_name: z.string(),
  name: z.string(),
  type: z.string(),
  worker_id: z.string().nullable(),
  worker_name: z.string().nullable(),
  binding: z.unknown(),
  status: z.enum(['online', 'offline', 'unbound', 'pending_approval']),
  problem: z.string().optional(),
});
export type StackSpec = z.infer<typeof stackSpec>;
export type StackNode = z.infer<typeof stackNode>;
export const stackNodeList = z.array(stackNode);
export type ComposeIssue = z.infer<typeof composeIssue>;
export type ComposeImport = z.infer<typeof composeImport>;
export type AppSummary = z.infer<typeof appSummary>;
export type AddedApp = z.infer<typeof addedApp>;

/** `GET /v1/orchestrator/stacks/{id}/swarm`: the swarm as one of its managers sees it now. */
export const stackSwarm = swarmStatusResult.extend({
  /** The plan node whose manager answered. */
  asked: z.string(),
  /** The plan's leader (who leads now is `nodes[].leader`). */
  leader_plan: z.string(),
});
