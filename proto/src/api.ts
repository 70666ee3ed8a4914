/**
 * The JSON the edge's REST routes answer with, as zod schemas: one definition that the web app
 * parses every answer with (drift fails loudly, at the first call) and that the edge's view
 * functions are checked against at compile time (edge/src/http/api-shapes.ts). Field names are the
 * wire's snake_case.
 */
import { z } from 'zod';

const iso = z.string();
const roleName = z.enum(['owner', 'admin', 'member', 'viewer', 'platform-admin']);

/** `{"error": {...}}` (CONTRACTS.md). */
export const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  }),
});

/** `GET /api/me` */
export const me = z.object({
  kind: z.enum(['api_key', 'user', 'session']),
  id: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  org_id: z.string(),
  role: z.string(),
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
export const memberRole = roleName.exclude(['platform-admin']);

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
});
export const pagination = z.object({ page: z.number(), per_page: z.number(), total: z.number().optional() });

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
/** `GET /v1/stackkits`: checked loosely here; its type is the stackkits package's `KitInfo`. */
export const kitList = z.array(z.object({ name: z.string(), variants: z.array(z.unknown()) }).loose());
