/** The stack index and KombiSim simulations with their nodes. */
import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, real, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { orgs } from './accounts.ts';
import { createdAt } from './columns.ts';
import { agents } from './workers.ts';

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
    /** How root logs in: `password` (the node's own random password) or `keys` (key-only). */
    login: text('login').notNull().default('password'),
    /** The node's root password until an operator has seen it once (then null). */
    rootPassword: text('root_password'),
    passwordShownAt: timestamp('password_shown_at', { withTimezone: true }),
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

/** What happened to a KombiSim node that its row does not say: injected faults and their healing. */
export const simNodeEvents = pgTable(
  'sim_node_events',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    nodeId: text('node_id')
      .notNull()
      .references(() => simNodes.id, { onDelete: 'cascade' }),
    /** fault.kill | fault.pause | fault.partition | fault.heal | fault.unsupported */
    kind: text('kind').notNull(),
    message: text('message').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('sim_node_events_node_idx').on(t.nodeId, t.createdAt)],
);
