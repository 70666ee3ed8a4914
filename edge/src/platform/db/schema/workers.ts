/** Workers (enrolled agents), their enrolment tokens and samples, and the job index. */
import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, real, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { orgs } from './accounts.ts';
import { createdAt } from './columns.ts';

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
