/**
 * An AgentObject created before drizzle: its tables were made by the hand-written schema (copied
 * below as it was), with rows in them. Opening it runs the migrations; the rows must read back
 * through the store unchanged and the object must keep working on top of them.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { randomId } from '../platform/ids.ts';
import type { AgentObject } from './agent-object.ts';
import * as store from './job-store.ts';
import { getNotice } from './notice-store.ts';

/** job-store.ts `migrateJobStore` before drizzle, verbatim. */
const legacySchema = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    params TEXT NOT NULL,
    status TEXT NOT NULL,
    attempt INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    lease_id TEXT,
    lease_expires_at INTEGER,
    available_at INTEGER NOT NULL,
    queue_deadline INTEGER NOT NULL,
    result TEXT,
    error TEXT,
    progress_message TEXT,
    progress_percent INTEGER,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS jobs_status_idx ON jobs (status, available_at);
  CREATE TABLE IF NOT EXISTS job_leases (
    job_id TEXT NOT NULL,
    lease_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    issued_at INTEGER NOT NULL,
    PRIMARY KEY (job_id, lease_id)
  );
  CREATE TABLE IF NOT EXISTS job_events (
    job_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (job_id, seq)
  );
  CREATE TABLE IF NOT EXISTS job_origins (job_id TEXT PRIMARY KEY, stack_id TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS job_logs (
    job_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    stream TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (job_id, seq)
  );
`;

/** Rows as the hand-written store wrote them: JSON as text, times as epoch milliseconds. */
function seedLegacy(sql: SqlStorage): void {
  sql.exec(legacySchema);
  sql.exec("INSERT INTO meta (key, value) VALUES ('agent_id', 'agt_legacy'), ('org_id', 'org_legacy')");
  sql.exec(
    `INSERT INTO jobs (id, type, params, status, attempt, max_attempts, lease_id, lease_expires_at,
       available_at, queue_deadline, result, error, progress_message, progress_percent, created_at,
       started_at, finished_at, updated_at)
     VALUES ('job_done', 'node.facts', '{"deep":{"a":[1,2]}}', 'succeeded', 1, 3, 'lease_1', NULL,
       100, 3600100, '{"os":"linux"}', NULL, 'collected', 100, 100, 110, 120, 120),
       ('job_waiting', 'docker.run', '{}', 'queued', 0, 3, NULL, NULL, 200, 3600200, NULL, NULL,
       NULL, NULL, 200, NULL, NULL, 200),
       ('job_broke', 'docker.run', '{"image":"x"}', 'failed', 3, 3, NULL, NULL, 300, 3600300, NULL,
       '{"code":"exit_1","message":"exited 1"}', NULL, NULL, 300, 310, 320, 320)`,
  );
  sql.exec(
    "INSERT INTO job_leases (job_id, lease_id, attempt, issued_at) VALUES ('job_done', 'lease_1', 1, 110)",
  );
  sql.exec(
    `INSERT INTO job_events (job_id, seq, at, kind, message) VALUES
       ('job_done', 1, 100, 'queued', 'queued node.facts'),
       ('job_done', 2, 110, 'leased', 'delivered to the agent (attempt 1 of 3)'),
       ('job_done', 3, 120, 'succeeded', 'succeeded')`,
  );
  sql.exec(
    "INSERT INTO job_origins (job_id, stack_id) VALUES ('job_done', 'stk_legacy'), ('job_waiting', 'stk_legacy')",
  );
  sql.exec(
    `INSERT INTO job_logs (job_id, seq, at, stream, text) VALUES
       ('job_done', 1, 111, 'stdout', 'hello'), ('job_done', 2, 112, 'stderr', 'world')`,
  );
}

const migrationsApplied = (sql: SqlStorage) =>
  sql.exec<{ n: number }>('SELECT count(*) AS n FROM __drizzle_migrations').one().n;

describe('job store migrations', () => {
  it('opens an AgentObject made by the hand-written schema and keeps its rows', async () => {
    const stub = env.AGENTS.get(env.AGENTS.idFromName(randomId('agt')));
    await runInDurableObject(stub, async (agent: AgentObject, state) => {
      // Back to how the old code left the object: its tables and rows, no migration history.
      await state.storage.deleteAll();
      seedLegacy(state.storage.sql);

      const db = store.openJobStore(state.storage);
      await store.migrateJobStore(db);
      expect(migrationsApplied(state.storage.sql)).toBe(5);

      expect(store.getMeta(db, 'agent_id')).toBe('agt_legacy');
      expect(store.getJob(db, 'job_done')).toEqual({
        id: 'job_done',
        type: 'node.facts',
        params: { deep: { a: [1, 2] } },
        status: 'succeeded',
        attempt: 1,
        maxAttempts: 3,
        leaseId: 'lease_1',
        leaseExpiresAt: null,
        availableAt: 100,
        queueDeadline: 3600100,
        result: { os: 'linux' },
        error: null,
        progressMessage: 'collected',
        progressPercent: 100,
        createdAt: 100,
        startedAt: 110,
        finishedAt: 120,
        updatedAt: 120,
        // Jobs from before origins were kept have none: the agent treats them as raw (H2).
        origin: null,
      });
      expect(store.getJob(db, 'job_broke')?.error).toEqual({ code: 'exit_1', message: 'exited 1' });
      expect(store.listEvents(db, 'job_done').map((e) => e.kind)).toEqual(['queued', 'leased', 'succeeded']);
      expect(store.listLogs(db, 'job_done')).toEqual([
        { seq: 1, at: 111, stream: 'stdout', text: 'hello' },
        { seq: 2, at: 112, stream: 'stderr', text: 'world' },
      ]);
      expect(store.isLeaseOf(db, 'job_done', 'lease_1')).toBe(true);
      expect(store.deliverableJobs(db, 1000).map((j) => j.id)).toEqual(['job_waiting']);
      // An open job's stack gets a notice when it ends (the outbox came later); an ended one's
      // stack was told at the time.
      expect(getNotice(db, 'job_waiting')).toMatchObject({
        target: { kind: 'stack', stackId: 'stk_legacy', workflowId: '' },
        dueAt: null,
        deliveredAt: null,
      });
      expect(getNotice(db, 'job_done')).toBeNull();

      // The object itself reads the old rows and goes on writing next to them.
      expect(agent.getJob('job_done')).toMatchObject({ id: 'job_done', status: 'succeeded' });
      const leased = store.leaseJob(db, 'job_waiting', 'lease_2', 60_000, 1000);
      expect(leased).toMatchObject({ status: 'running', attempt: 1, leaseId: 'lease_2', startedAt: 1000 });
      expect(store.listEvents(db, 'job_waiting').map((e) => e.kind)).toEqual(['leased']);

      // Opening it again applies nothing twice.
      await store.migrateJobStore(store.openJobStore(state.storage));
      expect(migrationsApplied(state.storage.sql)).toBe(5);
      expect(store.getJob(db, 'job_done')?.result).toEqual({ os: 'linux' });
    });
  });

  it('creates the tables on a new object and records the migrations it ran', async () => {
    const stub = env.AGENTS.get(env.AGENTS.idFromName(randomId('agt')));
    await runInDurableObject(stub, async (_agent: AgentObject, state) => {
      expect(migrationsApplied(state.storage.sql)).toBe(5);
      const tables = state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .toArray()
        .map((t) => t.name);
      expect(tables).toEqual(
        expect.arrayContaining([
          'job_events',
          'job_leases',
          'job_logs',
          'job_notices',
          'job_origins',
          'jobs',
          'meta',
        ]),
      );
    });
  });
});
