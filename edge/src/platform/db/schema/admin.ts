/** The admin center: feature flags, the audit log, the tools catalog and discovery runs. */
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
import { createdAt } from './columns.ts';

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
