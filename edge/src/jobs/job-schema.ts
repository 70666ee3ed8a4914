/**
 * The AgentObject's SQLite tables (one database per worker). drizzle-kit generates the versioned
 * migrations in ./migrations from this file (`npm run db:generate:objects`); job-store.ts runs them
 * when the object starts. The tables keep the shape the hand-written schema gave them, so objects
 * created before drizzle open without a data migration (see migrations/0000_*.sql).
 */
import type { JsonObject } from '@bufbuild/protobuf';
import type { JobOrigin, JobStatus } from '@kombify/proto/jobs';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { JobNotify } from './job-notice.ts';

export type { JobStatus };

export interface JobError {
  code: string;
  message: string;
}

/** The worker's identity (agent id, org, cached public key), set at enrolment. */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const jobs = sqliteTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    params: text('params', { mode: 'json' }).$type<JsonObject>().notNull(),
    status: text('status').$type<JobStatus>().notNull(),
    attempt: integer('attempt').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    leaseId: text('lease_id'),
    leaseExpiresAt: integer('lease_expires_at'),
    availableAt: integer('available_at').notNull(),
    queueDeadline: integer('queue_deadline').notNull(),
    result: text('result', { mode: 'json' }).$type<JsonObject>(),
    error: text('error', { mode: 'json' }).$type<JobError>(),
    progressMessage: text('progress_message'),
    progressPercent: integer('progress_percent'),
    createdAt: integer('created_at').notNull(),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
    updatedAt: integer('updated_at').notNull(),
    /** Who made the job (sent to the agent, whose policy decides on raw jobs); null before H2. */
    origin: text('origin').$type<JobOrigin>(),
  },
  (t) => [index('jobs_status_idx').on(t.status, t.availableAt)],
);

/** Every lease ever issued for a job, so a late result under an older lease is still recognised. */
export const jobLeases = sqliteTable(
  'job_leases',
  {
    jobId: text('job_id').notNull(),
    leaseId: text('lease_id').notNull(),
    attempt: integer('attempt').notNull(),
    issuedAt: integer('issued_at').notNull(),
    /** When the lease fetched the job's secrets (FetchJobSecrets): a lease fetches them once. */
    secretsFetchedAt: integer('secrets_fetched_at'),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.leaseId] })],
);

export const jobEvents = sqliteTable(
  'job_events',
  {
    jobId: text('job_id').notNull(),
    seq: integer('seq').notNull(),
    at: integer('at').notNull(),
    kind: text('kind').notNull(),
    message: text('message').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.seq] })],
);

/**
 * Which stack dispatched a job, from before the notice outbox (job_notices): no longer written;
 * migration 0002 gave its open jobs a notice.
 */
export const jobOrigins = sqliteTable('job_origins', {
  jobId: text('job_id').primaryKey(),
  stackId: text('stack_id').notNull(),
});

export const jobLogs = sqliteTable(
  'job_logs',
  {
    jobId: text('job_id').notNull(),
    seq: integer('seq').notNull(),
    at: integer('at').notNull(),
    stream: text('stream').notNull(),
    text: text('text').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.seq] })],
);

/**
 * The outbox of job notices (notice-store.ts): who is told when a job ends, and how far that got.
 * Written with the job; due when it ends; kept, marked delivered, once its receiver took it.
 */
export const jobNotices = sqliteTable(
  'job_notices',
  {
    jobId: text('job_id').primaryKey(),
    target: text('target', { mode: 'json' }).$type<JobNotify>().notNull(),
    dueAt: integer('due_at'),
    attempts: integer('attempts').notNull().default(0),
    deliveredAt: integer('delivered_at'),
    lastError: text('last_error'),
  },
  (t) => [index('job_notices_due_idx').on(t.dueAt)],
);
