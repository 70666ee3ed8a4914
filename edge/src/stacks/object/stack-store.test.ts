/**
 * A StackObject created before drizzle: its tables (the stack's and the OpenTofu state's, one
 * database) were made by the hand-written schemas, copied below as they were, with rows in them.
 * Opening it runs the migrations; the rows must read back through the stores unchanged.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { randomId } from '../../platform/ids.ts';
import { tofuStore } from '../../tofu-state/index.ts';
import type { StackObject } from './stack-object.ts';
import * as store from './stack-store.ts';

/** stack-store.ts `migrateStackStore` and tofu-state/state-store.ts `migrateTofuState` before drizzle. */
const legacySchema = `
  CREATE TABLE IF NOT EXISTS stack (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS spec_versions (
    version INTEGER PRIMARY KEY, format TEXT NOT NULL, source TEXT NOT NULL, options TEXT NOT NULL,
    tofu TEXT, name TEXT NOT NULL, kit TEXT NOT NULL, note TEXT, created_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS workflows (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL, version INTEGER NOT NULL,
    options TEXT NOT NULL, workers TEXT NOT NULL, artifacts TEXT, step_index INTEGER NOT NULL DEFAULT 0,
    error TEXT, created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER, requested_by TEXT
  );
  CREATE INDEX IF NOT EXISTS workflows_status_idx ON workflows (status, created_at);
  CREATE TABLE IF NOT EXISTS steps (
    workflow_id TEXT NOT NULL, idx INTEGER NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL,
    started_at INTEGER, finished_at INTEGER, detail TEXT, error TEXT,
    PRIMARY KEY (workflow_id, idx)
  );
  CREATE TABLE IF NOT EXISTS wf_jobs (
    id TEXT PRIMARY KEY, workflow_id TEXT NOT NULL, step_idx INTEGER NOT NULL, ord INTEGER NOT NULL,
    node TEXT NOT NULL, worker_id TEXT NOT NULL, type TEXT NOT NULL, params TEXT NOT NULL,
    status TEXT NOT NULL, result TEXT, error TEXT, created_at INTEGER NOT NULL,
    dispatched_at INTEGER, deadline INTEGER NOT NULL, finished_at INTEGER
  );
  CREATE INDEX IF NOT EXISTS wf_jobs_wf_idx ON wf_jobs (workflow_id, step_idx, ord);
  CREATE TABLE IF NOT EXISTS wf_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, workflow_id TEXT, at INTEGER NOT NULL, kind TEXT NOT NULL,
    step TEXT, message TEXT NOT NULL, data TEXT
  );
  CREATE INDEX IF NOT EXISTS wf_events_wf_idx ON wf_events (workflow_id, seq);

  CREATE TABLE IF NOT EXISTS tofu_owner (
    id INTEGER PRIMARY KEY CHECK (id = 1), org_id TEXT NOT NULL, claimed_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS tofu_state_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    serial INTEGER,            -- NULL: a deletion marker (no current state)
    lineage TEXT,
    sha256 TEXT,               -- of the plaintext
    size INTEGER NOT NULL DEFAULT 0,
    key_id TEXT,
    iv BLOB,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    lock_id TEXT
  );
  CREATE TABLE IF NOT EXISTS tofu_state_chunks (
    version_id INTEGER NOT NULL, idx INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (version_id, idx)
  );
  CREATE TABLE IF NOT EXISTS tofu_state_lock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    lock_id TEXT NOT NULL, info TEXT NOT NULL, locked_at INTEGER NOT NULL, locked_by TEXT NOT NULL
  );
`;

const bytes = (...b: number[]) => new Uint8Array(b).buffer;

/** Rows as the hand-written stores wrote them: JSON as text, times as epoch milliseconds. */
function seedLegacy(sql: SqlStorage): void {
  sql.exec(legacySchema);
  sql.exec("INSERT INTO stack (key, value) VALUES ('id', 'stk_legacy'), ('current_version', '1')");
  sql.exec(
    `INSERT INTO spec_versions (version, format, source, options, tofu, name, kit, note, created_at)
     VALUES (1, 'yaml', 'name: tiny', '{"images":{"dozzle":"busybox"}}', '{"files":{"main.tf":"x"}}',
       'tiny', 'base-homelab', NULL, 10)`,
  );
  sql.exec(
    `INSERT INTO workflows (id, kind, status, version, options, workers, artifacts, step_index, error,
       created_at, started_at, finished_at, requested_by)
     VALUES ('wfl_1', 'deploy', 'failed', 1, '{"dry_run":false}', '{"pi":"agt_pi"}', NULL, 2,
       '{"code":"timeout","message":"too slow"}', 20, 21, 29, 'api_key:k1')`,
  );
  sql.exec(
    `INSERT INTO steps (workflow_id, idx, name, status, started_at, finished_at, detail, error) VALUES
       ('wfl_1', 0, 'prechecks', 'succeeded', 21, 22, 'null', NULL),
       ('wfl_1', 1, 'plan', 'succeeded', 22, 23, '{"changes":1}', NULL),
       ('wfl_1', 2, 'apply', 'failed', 23, 29, NULL, '{"code":"timeout","message":"too slow"}')`,
  );
  sql.exec(
    `INSERT INTO wf_jobs (id, workflow_id, step_idx, ord, node, worker_id, type, params, status, result,
       error, created_at, dispatched_at, deadline, finished_at)
     VALUES ('job_1', 'wfl_1', 0, 0, 'pi', 'agt_pi', 'checks.run', '{"ports":[80]}', 'succeeded',
       '{"checks":[]}', NULL, 21, 21, 600021, 22)`,
  );
  sql.exec(
    `INSERT INTO wf_events (workflow_id, at, kind, step, message, data) VALUES
       ('wfl_1', 21, 'step_started', 'prechecks', 'pre-checks', NULL),
       ('wfl_1', 29, 'workflow_failed', NULL, 'too slow', '{"code":"timeout"}')`,
  );
  sql.exec("INSERT INTO tofu_owner (id, org_id, claimed_at) VALUES (1, 'org_legacy', 5)");
  sql.exec(
    `INSERT INTO tofu_state_versions (serial, lineage, sha256, size, key_id, iv, created_at, created_by, lock_id)
     VALUES (7, 'lin-1', 'abc', 3, 'k1', ?, 30, 'agent', NULL)`,
    bytes(9, 9, 9),
  );
  sql.exec('INSERT INTO tofu_state_chunks (version_id, idx, data) VALUES (1, 0, ?)', bytes(1, 2, 3));
  sql.exec(
    `INSERT INTO tofu_state_lock (id, lock_id, info, locked_at, locked_by)
     VALUES (1, 'lock-1', '{"ID":"lock-1"}', 40, 'agent@pi')`,
  );
}

const migrationsApplied = (sql: SqlStorage) =>
  sql.exec<{ n: number }>('SELECT count(*) AS n FROM __drizzle_migrations').one().n;

describe('stack store migrations', () => {
  it('opens a StackObject made by the hand-written schemas and keeps its rows and OpenTofu state', async () => {
    const stub = env.STACKS.get(env.STACKS.idFromName(randomId('stk')));
    await runInDurableObject(stub, async (_obj: StackObject, state) => {
      // Back to how the old code left the object: its tables and rows, no migration history.
      await state.storage.deleteAll();
      seedLegacy(state.storage.sql);

      const db = store.openStackStore(state.storage);
      await store.migrateStackStore(db);
      expect(migrationsApplied(state.storage.sql)).toBe(1);

      expect(store.getSetting(db, 'id')).toBe('stk_legacy');
      expect(store.getVersion(db, 1)).toEqual({
        version: 1,
        format: 'yaml',
        source: 'name: tiny',
        options: { images: { dozzle: 'busybox' } },
        tofu: { files: { 'main.tf': 'x' } },
        name: 'tiny',
        kit: 'base-homelab',
        note: null,
        createdAt: 10,
      });
      expect(store.getWorkflow(db, 'wfl_1')).toEqual({
        id: 'wfl_1',
        kind: 'deploy',
        status: 'failed',
        version: 1,
        options: { dry_run: false },
        workers: { pi: 'agt_pi' },
        artifacts: null,
        stepIndex: 2,
        error: { code: 'timeout', message: 'too slow' },
        createdAt: 20,
        startedAt: 21,
        finishedAt: 29,
        requestedBy: 'api_key:k1',
      });
      expect(store.listSteps(db, 'wfl_1').map((s) => [s.name, s.status, s.detail])).toEqual([
        ['prechecks', 'succeeded', null],
        ['plan', 'succeeded', { changes: 1 }],
        ['apply', 'failed', null],
      ]);
      expect(store.getJob(db, 'job_1')).toMatchObject({ params: { ports: [80] }, result: { checks: [] } });
      expect(store.eventsOf(db, 'wfl_1').map((e) => [e.seq, e.kind, e.data])).toEqual([
        [1, 'step_started', null],
        [2, 'workflow_failed', { code: 'timeout' }],
      ]);
      // New rows continue the old sequences.
      expect(
        store.addVersion(db, { ...store.getVersion(db, 1)!, note: 'again', createdAt: 50 }).version,
      ).toBe(2);
      expect(store.addEvent(db, { workflowId: 'wfl_1', kind: 'note', message: 'after' }, 60)).toBe(3);

      expect(tofuStore.ownerOf(db)).toBe('org_legacy');
      expect(tofuStore.heldLock(db)).toEqual({
        id: 'lock-1',
        info: '{"ID":"lock-1"}',
        lockedAt: 40,
        lockedBy: 'agent@pi',
      });
      const current = tofuStore.currentState(db)!;
      expect(current).toMatchObject({ version: 1, serial: 7, lineage: 'lin-1', sha256: 'abc', keyId: 'k1' });
      expect([...new Uint8Array(current.iv)]).toEqual([9, 9, 9]);
      expect(current.chunks.map((c) => [...new Uint8Array(c)])).toEqual([[1, 2, 3]]);

      // Opening it again applies nothing twice.
      await store.migrateStackStore(store.openStackStore(state.storage));
      expect(migrationsApplied(state.storage.sql)).toBe(1);
    });
  });
});
