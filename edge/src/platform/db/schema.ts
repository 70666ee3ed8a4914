/**
 * The Postgres schema. Every table an org owns carries `org_id`; every query filters by it.
 * drizzle-kit generates the SQL migrations in /migrations from this file (`npm run db:generate`).
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  real,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const orgs = pgTable('orgs', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  slug: text('slug').notNull().unique(),
  createdAt: createdAt(),
});

/** API keys are stored as a SHA-256 hash; only the prefix is kept in clear for listing. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    hash: text('hash').notNull(),
    role: text('role').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('api_keys_hash_idx').on(t.hash), index('api_keys_org_idx').on(t.orgId)],
);

/** One-time, expiring tokens that let a new node enroll its agent. Stored hashed. */
export const enrollmentTokens = pgTable(
  'enrollment_tokens',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    hash: text('hash').notNull(),
    description: text('description'),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    usedByAgentId: text('used_by_agent_id'),
    /** A token made for a KombiSim node: the agent that uses it is a simulated worker. */
    simulationId: text('simulation_id'),
  },
  (t) => [
    uniqueIndex('enrollment_tokens_hash_idx').on(t.hash),
    index('enrollment_tokens_org_idx').on(t.orgId),
  ],
);

export type NodeFactsRecord = Record<string, string | number | boolean>;

/** Enrolled agents ("workers" in the API). The public key checks the tokens the agent signs. */
export const agents = pgTable(
  'agents',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    publicKeyJwk: jsonb('public_key_jwk').$type<JsonWebKey>().notNull(),
    facts: jsonb('facts').$type<NodeFactsRecord>().notNull().default(sql`'{}'::jsonb`),
    agentVersion: text('agent_version').notNull().default(''),
    enrolledAt: timestamp('enrolled_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    /** Set while the agent holds its job stream open; cleared when the stream closes. */
    connectedAt: timestamp('connected_at', { withTimezone: true }),
    /** When an admin approved the worker for stacks (POST /workers/{id}/approve); null: pending. */
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    approvedBy: text('approved_by'),
    /** Set for the agent inside a KombiSim node: a worker of that simulated environment. */
    simulationId: text('simulation_id'),
  },
  (t) => [index('agents_org_idx').on(t.orgId)],
);

/**
 * Recent heartbeat samples per agent (CPU load, memory and disk in use) for the dashboard's small
 * charts. Only the last hour is kept: every heartbeat prunes its agent's older rows.
 */
export const agentSamples = pgTable(
  'agent_samples',
  {
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** 1-minute load average divided by the CPU count (1 = all cores busy). */
    cpu: real('cpu').notNull(),
    /** Fractions of memory and disk in use, 0–1. */
    memory: real('memory').notNull(),
    disk: real('disk').notNull(),
  },
  (t) => [index('agent_samples_agent_at_idx').on(t.agentId, t.at)],
);

/**
 * Index of jobs: which org and agent a job belongs to. The job's state itself (status, lease,
 * result, logs) lives in the agent's Durable Object, which dispatches it.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('jobs_org_idx').on(t.orgId, t.createdAt), index('jobs_agent_idx').on(t.agentId)],
);

/** People, as the OpenID issuer knows them (`sub`). Created on first sign-in. */
export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    issuer: text('issuer').notNull(),
    sub: text('sub').notNull(),
    email: text('email'),
    name: text('name'),
    createdAt: createdAt(),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
    /** Free-form UI preferences (theme, density, …), at most a few KB. */
    preferences: jsonb('preferences').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    /** Set by a platform admin: the gate refuses the user's sessions and tokens from then on. */
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('users_issuer_sub_idx').on(t.issuer, t.sub)],
);

export const memberships = pgTable(
  'memberships',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** owner | admin | member | viewer */
    role: text('role').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('memberships_org_user_idx').on(t.orgId, t.userId),
    index('memberships_user_idx').on(t.userId),
  ],
);

/**
 * Browser sessions. The cookie holds only a signed, short-lived reference to this row; signing
 * out (or expiry) ends the session for every cookie that points at it.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    /** The issuer's id_token, kept for RP-initiated logout (id_token_hint). */
    idToken: text('id_token'),
    /** Set on an impersonation session: the platform admin (`kind:id`) acting as this user. */
    impersonatedBy: text('impersonated_by'),
    /** The admin's own session (when they started from a browser), given back when impersonation ends. */
    impersonatorSessionId: text('impersonator_session_id'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** What happened in an org and who did it: sign-ins, key changes, role changes. */
export const activity = pgTable(
  'activity',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    /** `user:<id>` or `api_key:<id>`. */
    actor: text('actor').notNull(),
    userId: text('user_id'),
    kind: text('kind').notNull(),
    message: text('message').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('activity_org_idx').on(t.orgId, t.createdAt),
    index('activity_user_idx').on(t.userId, t.createdAt),
  ],
);

/** Invitations by email: accepted when someone with that (issuer-verified) email signs in. */
export const invitations = pgTable(
  'invitations',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role').notNull(),
    invitedBy: text('invited_by').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
  },
  (t) => [
    index('invitations_email_idx').on(t.email),
    uniqueIndex('invitations_org_email_idx').on(t.orgId, t.email),
  ],
);

/**
 * An org's subscription, mirrored from Stripe (canonical there). `source_at` is the Stripe event
 * time of the newest applied change; `field_at` records, per field, the event that last set it
 * (`<created, zero-padded>:<event id>`), so an older event arriving late never rolls a field back
 * and the result is the same whatever order the events arrive in.
 */
export const subscriptions = pgTable('subscriptions', {
  orgId: text('org_id')
    .primaryKey()
    .references(() => orgs.id, { onDelete: 'cascade' }),
  stripeCustomerId: text('stripe_customer_id').unique(),
  stripeSubscriptionId: text('stripe_subscription_id'),
  plan: text('plan').notNull().default('free'),
  status: text('status').notNull().default('none'),
  currentPeriodEnd: timestamp('current_period_end', { withTimezone: true }),
  graceUntil: timestamp('grace_until', { withTimezone: true }),
  sourceAt: timestamp('source_at', { withTimezone: true }),
  fieldAt: jsonb('field_at').$type<Record<string, string>>().notNull().default(sql`'{}'::jsonb`),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Stripe events already applied (webhook idempotency). */
export const stripeEvents = pgTable('stripe_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  orgId: text('org_id'),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Feature flags: on/off for the platform, overrides per org and per user, and a percentage rollout. */
export const featureFlags = pgTable('feature_flags', {
  key: text('key').primaryKey(),
  description: text('description').notNull().default(''),
  enabled: boolean('enabled').notNull().default(false),
  rolloutPercent: integer('rollout_percent').notNull().default(100),
  /** `{ "orgs": { "<org id>": true|false }, "users": { "<sub>": true|false } }` */
  targeting: jsonb('targeting')
    .$type<{ orgs?: Record<string, boolean>; users?: Record<string, boolean> }>()
    .notNull()
    .default(sql`'{}'::jsonb`),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Every platform-admin write: who, what, before/after, when, from where. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    target: text('target').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    ip: text('ip'),
    createdAt: createdAt(),
  },
  (t) => [index('audit_log_created_idx').on(t.createdAt)],
);

/** The tools catalog (admin center): categories, tools with evaluation scores, and patterns. */
export const categories = pgTable('categories', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  createdAt: createdAt(),
});

export const tools = pgTable(
  'tools',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    summary: text('summary').notNull().default(''),
    url: text('url'),
    categoryId: text('category_id').references(() => categories.id, { onDelete: 'set null' }),
    tags: jsonb('tags').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    /** reviewed | unreviewed (filed by discovery) */
    status: text('status').notNull().default('reviewed'),
    /** Criterion → 0..10; `score` is their weighted sum (edge/src/catalog/score.ts). */
    scores: jsonb('scores').$type<Record<string, number>>().notNull().default(sql`'{}'::jsonb`),
    score: real('score').notNull().default(0),
    /** Where discovery found it (`npm:<package>`); unique, so a re-run files nothing twice. */
    source: text('source'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('tools_source_idx').on(t.source),
    index('tools_search_idx').using(
      'gin',
      sql`to_tsvector('simple', ${t.name} || ' ' || ${t.summary} || ' ' || (${t.tags})::text)`,
    ),
  ],
);

export const patterns = pgTable('patterns', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  toolIds: jsonb('tool_ids').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
  createdAt: createdAt(),
});

/** Discovery runs (admin center): a search of a package registry that files unreviewed tools. */
export const discoveryRuns = pgTable(
  'discovery_runs',
  {
    id: text('id').primaryKey(),
    source: text('source').notNull(),
    keywords: jsonb('keywords').$type<string[]>().notNull(),
    /** running | succeeded | failed */
    status: text('status').notNull(),
    startedBy: text('started_by').notNull(),
    /** Per candidate: the package, the tool id and whether it was `filed` now or `existing`. */
    results: jsonb('results')
      .$type<{ package: string; toolId: string; outcome: 'filed' | 'existing'; keyword: string }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    error: text('error'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('discovery_runs_started_idx').on(t.startedAt)],
);

/**
 * Index of an org's stacks (KombiStack). The stack's details — spec versions, bindings, workflows,
 * jobs, events — live in its Durable Object (StackObject); this row answers "which stacks does
 * this org have" and enforces names and plan limits.
 */
export const stacks = pgTable(
  'stacks',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    kit: text('kit').notNull(),
    /** created | deploying | deployed | failed | destroying | destroyed (mirrored from the StackObject) */
    status: text('status').notNull().default('created'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('stacks_org_name_idx').on(t.orgId, t.name), index('stacks_org_idx').on(t.orgId)],
);

/**
 * KombiSim: simulations (groups of simulated nodes) and their nodes. A simulation runs on one host
 * worker (the agent on the user's machine); the nodes are containers there. Rows of deleted
 * simulations stay (deleted_at) so the plan's "simulations a month" counts them.
 */
export const simulations = pgTable(
  'simulations',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    template: text('template'),
    hostAgentId: text('host_agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    /** Nodes run the kombify agent, enrolled as simulated workers. */
    deployTarget: boolean('deploy_target').notNull().default(false),
    /** null while it exists; set when its last node is gone. */
    deletingAt: timestamp('deleting_at', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('simulations_org_idx').on(t.orgId, t.createdAt),
    uniqueIndex('simulations_org_name_idx').on(t.orgId, t.name).where(sql`deleted_at IS NULL`),
  ],
);

/**
 * Simulated nodes. (host_agent_id, ssh_port) is unique: the database is what keeps two nodes on the
 * same machine off the same SSH port, whatever races. A node's row (and so its port) goes when
 * the host agent has removed its container.
 */
export const simNodes = pgTable(
  'sim_nodes',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    simulationId: text('simulation_id')
      .notNull()
      .references(() => simulations.id, { onDelete: 'cascade' }),
    hostAgentId: text('host_agent_id').notNull(),
    name: text('name').notNull(),
    /** vps | local */
    type: text('type').notNull(),
    os: text('os').notNull(),
    /** creating | running | stopped | error (and deleting, while its container is removed) */
    status: text('status').notNull(),
    /** Order within the simulation (template order). */
    position: integer('position').notNull(),
    sshPort: integer('ssh_port').notNull(),
    ip: text('ip'),
    cpu: real('cpu').notNull(),
    memoryMb: integer('memory_mb').notNull(),
    diskGb: integer('disk_gb').notNull(),
    latencyMs: integer('latency_ms'),
    lossPercent: real('loss_percent'),
    /** The lifecycle job the host agent is running for this node, and which one. */
    pendingJobId: text('pending_job_id'),
    pendingAction: text('pending_action'),
    error: text('error'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('sim_nodes_host_port_idx').on(t.hostAgentId, t.sshPort),
    uniqueIndex('sim_nodes_sim_name_idx').on(t.simulationId, t.name),
    index('sim_nodes_org_idx').on(t.orgId, t.createdAt),
  ],
);
