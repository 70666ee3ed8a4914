/**
 * A stack's OpenTofu state inside its Durable Object (SQLite): the owner (org) of the stack, the
 * state versions (ciphertext only, split into chunks under SQLite's value size limit), and the
 * lock. Every function is synchronous, so each check-and-write runs as one step of the object —
 * two pushes or two LOCKs can never interleave. Encryption happens outside, in the Worker.
 */

/** SQLite values are limited to about 2 MB; ciphertext is stored in slices of this size. */
export const CHUNK_BYTES = 1024 * 1024;

export function migrateTofuState(sql: SqlStorage): void {
  sql.exec(`
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
  `);
}

// ── owner ────────────────────────────────────────────────────────────────────────────────────

export function ownerOf(sql: SqlStorage): string | null {
  return (
    sql.exec<{ org_id: string }>('SELECT org_id FROM tofu_owner WHERE id = 1').toArray()[0]?.org_id ?? null
  );
}

/** Records the stack's org at first use; a stack never changes org. Returns the owner it has. */
export function claim(sql: SqlStorage, orgId: string, now: number): { orgId: string; claimed: boolean } {
  const existing = ownerOf(sql);
  if (existing) return { orgId: existing, claimed: existing === orgId };
  sql.exec('INSERT INTO tofu_owner (id, org_id, claimed_at) VALUES (1, ?, ?)', orgId, now);
  return { orgId, claimed: true };
}

// ── lock ─────────────────────────────────────────────────────────────────────────────────────

export interface HeldLock {
  id: string;
  /** The LockInfo JSON exactly as its holder sent it (what OpenTofu shows on a conflict). */
  info: string;
  lockedAt: number;
  lockedBy: string;
}

export function heldLock(sql: SqlStorage): HeldLock | null {
  const row = sql
    .exec<{ lock_id: string; info: string; locked_at: number; locked_by: string }>(
      'SELECT lock_id, info, locked_at, locked_by FROM tofu_state_lock WHERE id = 1',
    )
    .toArray()[0];
  return row ? { id: row.lock_id, info: row.info, lockedAt: row.locked_at, lockedBy: row.locked_by } : null;
}

/** Takes the lock, or names who holds it. Taking it again with the same ID succeeds (a retried LOCK). */
export function lock(
  sql: SqlStorage,
  req: { id: string; info: string; by: string },
  now: number,
): { ok: true } | { ok: false; held: HeldLock } {
  const held = heldLock(sql);
  if (held) return held.id === req.id ? { ok: true } : { ok: false, held };
  sql.exec(
    'INSERT INTO tofu_state_lock (id, lock_id, info, locked_at, locked_by) VALUES (1, ?, ?, ?, ?)',
    req.id,
    req.info,
    now,
    req.by,
  );
  return { ok: true };
}

/**
 * Releases the lock. With an ID it must be the held one (unlocking a free state succeeds: a retried
 * UNLOCK); `force` releases whatever is held (OpenTofu's force-unlock sends no lock ID at all).
 */
export function unlock(
  sql: SqlStorage,
  req: { id: string } | { force: true },
): { ok: true; released: HeldLock | null } | { ok: false; held: HeldLock } {
  const held = heldLock(sql);
  if (!held) return { ok: true, released: null };
  if ('id' in req && req.id !== held.id) return { ok: false, held };
  sql.exec('DELETE FROM tofu_state_lock WHERE id = 1');
  return { ok: true, released: held };
}

// ── state versions ───────────────────────────────────────────────────────────────────────────

export interface StoredState {
  version: number;
  serial: number;
  lineage: string;
  sha256: string;
  size: number;
  keyId: string;
  iv: ArrayBuffer;
  chunks: ArrayBuffer[];
}

interface VersionRow extends Record<string, SqlStorageValue> {
  id: number;
  serial: number | null;
  lineage: string | null;
  sha256: string | null;
  size: number;
  key_id: string | null;
  iv: ArrayBuffer | null;
  created_at: number;
  created_by: string;
  lock_id: string | null;
}

function latest(sql: SqlStorage): VersionRow | null {
  return (
    sql.exec<VersionRow>('SELECT * FROM tofu_state_versions ORDER BY id DESC LIMIT 1').toArray()[0] ?? null
  );
}

export function currentState(sql: SqlStorage): StoredState | null {
  const row = latest(sql);
  if (!row || row.serial === null) return null;
  const chunks = sql
    .exec<{ data: ArrayBuffer }>(
      'SELECT data FROM tofu_state_chunks WHERE version_id = ? ORDER BY idx',
      row.id,
    )
    .toArray()
    .map((c) => c.data);
  return {
    version: row.id,
    serial: row.serial,
    lineage: row.lineage ?? '',
    sha256: row.sha256 ?? '',
    size: row.size,
    keyId: row.key_id ?? '',
    iv: row.iv ?? new ArrayBuffer(0),
    chunks,
  };
}

export interface PutStateInput extends Omit<StoredState, 'version'> {
  /** The `?ID=` OpenTofu sends while it holds the lock; null when it sent none. */
  lockId: string | null;
  by: string;
  /** How many versions to keep (older ones are deleted). */
  keep: number;
}

export type WriteRefusal =
  | { ok: false; status: 409; message: string }
  | { ok: false; status: 423; message: string; held: HeldLock };

/** A write must come from the lock's holder when the state is locked, and never with a stale lock ID. */
function lockRefusal(sql: SqlStorage, lockId: string | null): WriteRefusal | null {
  const held = heldLock(sql);
  if (lockId !== null) {
    if (!held) {
      return {
        ok: false,
        status: 409,
        message: `lock ${lockId} is not held (the state is unlocked: was it force-unlocked?); nothing was written`,
      };
    }
    if (held.id !== lockId) {
      return { ok: false, status: 423, held, message: `the state is locked by ${held.id}, not ${lockId}` };
    }
  } else if (held) {
    return {
      ok: false,
      status: 423,
      held,
      message: `the state is locked by ${held.id}; writes must carry ?ID=<lock id>`,
    };
  }
  return null;
}

/**
 * Stores a new state version after checking the lock and that it does not go back in time: a
 * different lineage is another state, a lower serial is older than what is stored, and the same
 * serial must be the same bytes (then it is a retried push and nothing changes).
 */
export function putState(
  sql: SqlStorage,
  input: PutStateInput,
  now: number,
): { ok: true; version: number; unchanged: boolean } | WriteRefusal {
  const refusal = lockRefusal(sql, input.lockId);
  if (refusal) return refusal;
  const cur = latest(sql);
  if (cur && cur.serial !== null) {
    if (cur.lineage !== input.lineage) {
      return {
        ok: false,
        status: 409,
        message: `state lineage ${input.lineage} does not match the stored state's lineage ${cur.lineage}: refusing to replace a different state (delete the stored state first if that is really meant)`,
      };
    }
    if (input.serial < cur.serial) {
      return {
        ok: false,
        status: 409,
        message: `state serial ${input.serial} is older than the stored serial ${cur.serial}: refusing to overwrite newer state`,
      };
    }
    if (input.serial === cur.serial) {
      if (input.sha256 === cur.sha256) return { ok: true, version: cur.id, unchanged: true };
      return {
        ok: false,
        status: 409,
        message: `state serial ${input.serial} is already stored with different content: refusing to overwrite it (OpenTofu increments the serial on every change)`,
      };
    }
  }
  const { id } = sql
    .exec<{ id: number }>(
      `INSERT INTO tofu_state_versions (serial, lineage, sha256, size, key_id, iv, created_at, created_by, lock_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      input.serial,
      input.lineage,
      input.sha256,
      input.size,
      input.keyId,
      input.iv,
      now,
      input.by,
      input.lockId,
    )
    .one();
  input.chunks.forEach((data, idx) => {
    sql.exec('INSERT INTO tofu_state_chunks (version_id, idx, data) VALUES (?, ?, ?)', id, idx, data);
  });
  prune(sql, input.keep);
  return { ok: true, version: id, unchanged: false };
}

/** Marks the state deleted (a new version without state); history stays until pruned. */
export function deleteState(
  sql: SqlStorage,
  req: { lockId: string | null; by: string; keep: number },
  now: number,
): { ok: true; deleted: boolean } | WriteRefusal {
  const refusal = lockRefusal(sql, req.lockId);
  if (refusal) return refusal;
  const cur = latest(sql);
  if (!cur || cur.serial === null) return { ok: true, deleted: false };
  sql.exec(
    'INSERT INTO tofu_state_versions (serial, created_at, created_by, lock_id) VALUES (NULL, ?, ?, ?)',
    now,
    req.by,
    req.lockId,
  );
  prune(sql, req.keep);
  return { ok: true, deleted: true };
}

function prune(sql: SqlStorage, keep: number): void {
  const cutoff = sql
    .exec<{ id: number }>('SELECT id FROM tofu_state_versions ORDER BY id DESC LIMIT 1 OFFSET ?', keep - 1)
    .toArray()[0]?.id;
  if (cutoff === undefined) return;
  sql.exec('DELETE FROM tofu_state_chunks WHERE version_id < ?', cutoff);
  sql.exec('DELETE FROM tofu_state_versions WHERE id < ?', cutoff);
}

export interface VersionInfo {
  version: number;
  serial: number | null;
  lineage: string | null;
  sha256: string | null;
  size: number;
  createdAt: number;
  createdBy: string;
  deleted: boolean;
}

export function listVersions(sql: SqlStorage): VersionInfo[] {
  return sql
    .exec<VersionRow>('SELECT * FROM tofu_state_versions ORDER BY id DESC')
    .toArray()
    .map((r) => ({
      version: r.id,
      serial: r.serial,
      lineage: r.lineage,
      sha256: r.sha256,
      size: r.size,
      createdAt: r.created_at,
      createdBy: r.created_by,
      deleted: r.serial === null,
    }));
}
