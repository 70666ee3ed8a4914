/**
 * The JSON the edge's REST routes answer with, as zod schemas: one definition that the web app
 * parses every answer with (drift fails loudly, at the first call) and that the edge's view
 * functions are checked against at compile time (edge/src/api-shapes.ts). Field names are the
 * wire's snake_case.
 */
import { z } from 'zod';
import { stackSummary, workflowSummary } from './api-stacks.ts';
import { containerSummary } from './container-jobs.ts';
import { errorCode } from './error-codes.ts';
import { positionedIssue } from './issue.ts';
import { keyRoles, orgRoles, roles } from './roles.ts';

// KombiSim, stacks and workflows: their own module, part of this one's surface.
export * from './api-stacks.ts';

const iso = z.string();
/** Every role, an org member's role, an API key's role (the one ordering: ./roles.ts). */
export const roleName = z.enum(roles);
export const memberRole = z.enum(orgRoles);
export const keyRole = z.enum(keyRoles);

/**
 * An error's `details`: the per-field issues of a `VALIDATION_FAILED` (loose: an issue may carry
 * more, like the compose file it is in), or another object for some refusals (a state lock's holder).
 */
export const errorDetails = z.union([z.array(positionedIssue.loose()), z.record(z.string(), z.unknown())]);
export type ErrorDetails = z.infer<typeof errorDetails>;

/**
 * `{"error": {...}}` (CONTRACTS.md): `code` is one of the closed set.
 */
export const errorBody = z.object({
  error: z.object({
    code: errorCode,
    message: z.string(),
    details: errorDetails.optional(),
    requestId: z.string().optional(),
    timestamp: iso.optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBody>;

/** `GET /api/me` */
export const me = z.object({
  kind: z.enum(['api_key', 'user', 'session']),
  id: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  org_id: z.string(),
  role: z.string(),
  /** Set while a platform admin acts as this user: who, and when the session ends (the banner). */
  impersonated_by: z.string().nullable().optional(),
  impersonation_expires_at: iso.nullable().optional(),
});

/** `GET /api/me/activity` */
export const activityEntry = z.object({ id: z.string(), kind: z.string(), message: z.string(), at: iso });

/** `GET /api/org/members` */
export const member = z.object({
  user_id: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  role: z.string(),
  joined_at: iso,
});

/** `GET /api/keys` */
export const apiKey = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  role: z.string(),
  created_at: iso,
  expires_at: iso.nullable(),
  revoked_at: iso.nullable(),
  last_used_at: iso.nullable(),
});
/** `POST /api/keys` (201): the only answer that carries the key. */
export const apiKeyCreated = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  role: z.string(),
  expires_at: iso.nullable(),
  key: z.string(),
  note: z.string(),
});

export const planName = z.enum(['free', 'pro', 'enterprise']);
export const planLimits = z.object({
  nodes: z.number(),
  stacks: z.number(),
  simulationsPerMonth: z.number(),
  rateLimitPerMinute: z.number(),
  stackkits: z.enum(['public', 'all']),
  stacksWritable: z.boolean(),
});
/** `GET /api/billing/plans` (public) */
export const planEntry = z.object({ name: planName, limits: planLimits });
/** `GET /api/billing/plan` */
export const billingPlan = z.object({
  plan: planName,
  status: z.string(),
  subscribed_plan: z.string(),
  grace_until: iso.nullable(),
  current_period_end: iso.nullable(),
  limits: planLimits,
  usage: z.object({ nodes: z.number() }),
});
/** `POST /api/billing/checkout` and `/portal` (201) */
export const redirectTarget = z.object({ url: z.string().nullable() });

/** `GET /v1/orchestrator/workers` */
export const worker = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['online', 'offline']),
  last_seen: iso.nullable(),
  enrolled_at: iso,
  agent_version: z.string(),
  outdated: z.boolean().optional(),
  version_warning: z.string().nullable().optional(),
  facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  /** Stacks deploy only to approved workers. */
  approved: z.boolean(),
  approved_at: iso.nullable(),
  /** The agent inside a KombiSim node (a deploy target), and its simulation. */
  simulated: z.boolean(),
  simulation_id: z.string().nullable(),
});
export const pagination = z.object({ page: z.number(), per_page: z.number(), total: z.number().optional() });

/** `GET /v1/orchestrator/workers/{id}/containers` */
export const containerList = z.array(containerSummary);
/** `GET /v1/orchestrator/workers/{id}/containers/{name}/logs` (and each SSE `line` of a follow) */
export const containerLogLine = z.object({ at: iso, stream: z.enum(['stdout', 'stderr']), text: z.string() });
export const containerLogs = z.object({ name: z.string(), lines: z.array(containerLogLine) });
/** `POST /v1/orchestrator/workers/{id}/containers/{name}/start|stop|restart` */
export const containerActionResult = z.object({ name: z.string(), action: z.string(), state: z.string() });
export type Container = z.infer<typeof containerSummary>;
export type ContainerLogLine = z.infer<typeof containerLogLine>;

/** `GET /v1/orchestrator/workers/metrics` */
export const workerSamples = z.object({
  worker_id: z.string(),
  samples: z.array(z.object({ at: iso, cpu: z.number(), memory: z.number(), disk: z.number() })),
});

/** `POST /v1/orchestrator/enrollment-tokens` (201) */
export const enrollmentTokenCreated = z.object({ id: z.string(), token: z.string(), expires_at: iso });
/** `GET /v1/orchestrator/enrollment-tokens/{id}` */
export const enrollmentTokenStatus = z.object({
  id: z.string(),
  expires_at: iso,
  used_at: iso.nullable(),
  worker_id: z.string().nullable(),
});

/** `GET /api/v1/feature-flags` */
export const featureFlag = z.object({
  key: z.string(),
  description: z.string(),
  enabled: z.boolean(),
  rollout_percent: z.number(),
  targeting: z.object({
    orgs: z.record(z.string(), z.boolean()).optional(),
    users: z.record(z.string(), z.boolean()).optional(),
  }),
  updated_at: iso,
});

/** `GET /api/v1/tools` and `GET /api/tools` */
export const tool = z.object({
  id: z.string(),
  name: z.string(),
  summary: z.string(),
  url: z.string().nullable(),
  category_id: z.string().nullable(),
  tags: z.array(z.string()),
  status: z.string(),
  scores: z.record(z.string(), z.number()),
  score: z.number(),
  updated_at: iso,
});

/** `GET /api/v1/audit-log` */
export const auditEntry = z.object({
  id: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  ip: z.string().nullable(),
  at: iso,
});

/** `GET /api/v1/users` and `/api/v1/users/{id}` (admin center) */
export const adminUserOrg = z.object({
  org_id: z.string(),
  org_name: z.string(),
  role: z.string(),
  plan: z.string(),
  status: z.string(),
});
export const adminUser = z.object({
  id: z.string(),
  sub: z.string(),
  issuer: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  disabled: z.boolean(),
  disabled_at: iso.nullable(),
  created_at: iso,
  last_sign_in_at: iso.nullable(),
  orgs: z.array(adminUserOrg),
});
/** `PATCH /api/v1/users/{id}/roles`: viewer … owner in one org, or platform-admin. */
export const adminRole = roleName;
/** `POST /api/v1/users/{id}/impersonate` (201) */
export const impersonation = z.object({
  session_id: z.string(),
  user_id: z.string(),
  org_id: z.string(),
  expires_at: iso,
  cookie: z.object({ name: z.string(), value: z.string() }),
});
/** `POST /api/v1/users/impersonation/end` */
export const impersonationEnded = z.object({
  session_id: z.string(),
  ended: z.boolean(),
  admin_session_restored: z.boolean(),
});
/** `POST /api/v1/users/{id}/mfa/reset` */
export const mfaReset = z.object({ user_id: z.string(), provider: z.string(), removed: z.array(z.string()) });

const perPlan = z.object({ free: z.number(), pro: z.number(), enterprise: z.number() });
/** `GET /api/v1/billing/overview` (admin center) */
export const billingOverview = z.object({
  subscriptions: z.object({
    total: z.number(),
    by_plan: perPlan,
    by_status: z.record(z.string(), z.number()),
  }),
  mrr: z.object({
    currency: z.string(),
    amount_cents: z.number(),
    by_plan_cents: perPlan,
    at_risk_cents: z.number(),
  }),
  failed_payments: z.object({ window_days: z.number(), count: z.number() }),
  grace: z.object({
    in_grace: z.array(
      z.object({ org_id: z.string(), org_name: z.string(), plan: z.string(), grace_until: iso.nullable() }),
    ),
    past_grace: z.array(z.object({ org_id: z.string(), org_name: z.string(), plan: z.string() })),
  }),
});
/** `GET /api/v1/billing/subscriptions` */
export const adminSubscription = z.object({
  org_id: z.string(),
  org_name: z.string(),
  plan: z.string(),
  status: z.string(),
  effective_plan: z.string(),
  stripe_customer_id: z.string().nullable(),
  stripe_subscription_id: z.string().nullable(),
  current_period_end: iso.nullable(),
  grace_until: iso.nullable(),
  updated_at: iso,
});
/** `GET /api/v1/billing/failed-payments` */
export const failedPayment = z.object({
  event_id: z.string(),
  org_id: z.string(),
  org_name: z.string(),
  at: iso,
});

/** One part of an aggregated answer: its data, or why it was refused (the rest still arrives). */
const part = <T extends z.ZodType>(data: T) =>
  z.union([z.object({ data }), z.object({ error: z.object({ code: errorCode, message: z.string() }) })]);

/** `GET /health` */
export const health = z.object({
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  version: z.string(),
  timestamp: iso,
  checks: z.record(z.string(), z.object({ status: z.string(), latency_ms: z.number().optional() }).loose()),
});

export type Me = z.infer<typeof me>;
export type ActivityEntry = z.infer<typeof activityEntry>;
export type Member = z.infer<typeof member>;
export type ApiKey = z.infer<typeof apiKey>;
export type ApiKeyCreated = z.infer<typeof apiKeyCreated>;
export type PlanName = z.infer<typeof planName>;
export type PlanLimits = z.infer<typeof planLimits>;
export type PlanEntry = z.infer<typeof planEntry>;
export type BillingPlan = z.infer<typeof billingPlan>;
export type Worker = z.infer<typeof worker>;
export type WorkerSamples = z.infer<typeof workerSamples>;
export type EnrollmentTokenCreated = z.infer<typeof enrollmentTokenCreated>;
export type EnrollmentTokenStatus = z.infer<typeof enrollmentTokenStatus>;
export type FeatureFlag = z.infer<typeof featureFlag>;
export type Tool = z.infer<typeof tool>;
export type AuditEntry = z.infer<typeof auditEntry>;
export type Health = z.infer<typeof health>;
export type Dashboard = z.infer<typeof dashboard>;
export type AdminUser = z.infer<typeof adminUser>;
export type AdminUserOrg = z.infer<typeof adminUserOrg>;
export type BillingOverview = z.infer<typeof billingOverview>;
export type AdminSubscription = z.infer<typeof adminSubscription>;
export type FailedPayment = z.infer<typeof failedPayment>;

// Lists and small answers, so callers need no zod of their own.
export const meActivity = z.array(activityEntry);
export const memberList = z.array(member);
export const apiKeyList = z.array(apiKey);
export const planList = z.array(planEntry);
export const workerList = z.array(worker);
export const workerSamplesList = z.array(workerSamples);
export const featureFlagList = z.array(featureFlag);
export const toolList = z.array(tool);
export const auditList = z.array(auditEntry);
export const adminUserList = z.array(adminUser);
export const adminSubscriptionList = z.array(adminSubscription);
export const failedPaymentList = z.array(failedPayment);
/** `PATCH /api/me` */
export const profile = z.object({ name: z.string() });
/** `GET|PUT /api/me/preferences` */
export const preferences = z.record(z.string(), z.json());
/** `POST /api/org/invitations` (201) */
export const invitation = z.object({ email: z.string(), role: z.string(), expires_at: iso });
/** `PATCH /api/org/members/{id}` */
export const roleChange = z.object({ user_id: z.string(), role: z.string() });
/** `DELETE /api/keys/{id}` */
export const keyRevoked = z.object({ id: z.string(), revoked_at: iso.nullable() });
/**
 * `GET /v1/orchestrator/secrets` (a list) and every secret write's answer: metadata only, a value
 * never leaves the edge. `updated_by` is the writer as `kind:id` (`session:usr_…`, `api_key:key_…`).
 */
export const secretMeta = z.object({
  path: z.string(),
  version: z.number(),
  updated_at: iso,
  updated_by: z.string(),
});
export type SecretMeta = z.infer<typeof secretMeta>;
export const secretMetaList = z.array(secretMeta);
/**
 * `GET /v1/orchestrator/secret-usage`: each path the org's stacks refer to, with where: the stack,
 * node, service and the field of its deploy job (`secret_env.POSTGRES_PASSWORD`). Paths only; a
 * path may be one the store does not hold (a deploy of that stack is then refused).
 */
export const secretUsage = z.object({
  path: z.string(),
  used_by: z.array(
    z.object({
      stack_id: z.string(),
      stack_name: z.string(),
      node: z.string(),
      service: z.string(),
      field: z.string(),
    }),
  ),
});
export type SecretUsage = z.infer<typeof secretUsage>;
export const secretUsageList = z.array(secretUsage);
/** `GET /v1/stackkits`: checked loosely here; its type is the stackkits package's `KitInfo`. */
export const kitList = z.array(z.object({ name: z.string(), variants: z.array(z.unknown()) }).loose());

/** `GET /api/dashboard`: the dashboard in one request (one gate check, parts read in parallel). */
export const dashboard = z.object({
  me,
  plan: billingPlan,
  activity: z.array(activityEntry),
  nodes: part(z.object({ workers: z.array(worker), samples: z.array(workerSamples) })),
  /** The newest stacks (`total` of all) and the latest runs among them, newest first. */
  stacks: part(
    z.object({
      stacks: z.array(stackSummary),
      total: z.number(),
      runs: z.array(workflowSummary.extend({ stack_name: z.string() })),
    }),
  ),
});
/** Answers whose body the app does not read, only that they succeeded (bindings, approve, reject, delete). */
export const acknowledged = z.object({}).loose();
