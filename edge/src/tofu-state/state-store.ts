/**
 * A stack's OpenTofu state inside its Durable Object (SQLite, tables in state-schema.ts): the
 * owner (org) of the stack, the state versions (ciphertext only, split into chunks under SQLite's
 * value size limit), and the lock. Every function is synchronous, so each check-and-write runs as
 * one step of the object — two pushes or two LOCKs can never interleave. Encryption happens
 * outside, in the Worker. The tables share the StackObject's database and its migrations
 * (stacks/object/stack-store.ts `migrateStackStore`), so functions take that database.
 *
 * Refusals are the one `Result` of platform/result.ts with code CONFLICT; when someone else holds
 * the lock, the refusal's details carry it (`heldLockOf`), which the HTTP backend turns into
 * OpenTofu's 423 Locked with the holder's LockInfo.
 */
import { desc, eq, lt } from 'drizzle-orm';
import type { DrizzleSqliteDODatabase } from 'drizzle-orm/durable-sqlite';
import { ok, type Refusal, type Result, refuse } from '../platform/result.ts';
import { tofuOwner, tofuStateChunks, tofuStateLock, tofuStateVersions } from './state-schema.ts';

/** SQLite values are limited to about 2 MB; ciphertext is stored in slices of this size. */
export const CHUNK_BYTES = 1024 * 1024;

/** The StackObject's database (stacks/object/stack-store.ts `StackDb`). */
type Db = DrizzleSqliteDODatabase;

// ── owner ────────────────────────────────────────────────────────────────────────────────────

export function ownerOf(db: Db): string | null {
  return (
    db.select({ orgId: tofuOwner.orgId }).from(tofuOwner).where(eq(tofuOwner.id, 1)).get()?.orgId ?? null
  );
}

/** Records the stack's org at first use; a stack never changes org. Returns the owner it has. */
export function claim(db: Db, orgId: string, now: number): { orgId: string; claimed: boolean } {
  const existing = ownerOf(db);
  if (existing) return { orgId: existing, claimed: existing === orgId };
  db.insert(tofuOwner).values({ id: 1, orgId, claimedAt: now }).run();
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

/** A refusal because someone else holds the lock: CONFLICT, with the lock in the details. */
function lockedBy(held: HeldLock, message: string): Result<never, 'CONFLICT'> {
  return refuse('CONFLICT', message, { held });
}

/** The lock a refusal names (someone else holds it), or null for any other conflict. */
export function heldLockOf(refusal: Refusal): HeldLock | null {
  const details = refusal.details;
  if (typeof details !== 'object' || details === null || !('held' in details)) return null;
  const held = details.held;
  if (typeof held !== 'object' || held === null) return null;
  if (!('id' in held && 'info' in held && 'lockedAt' in held && 'lockedBy' in held)) return null;
  const { id, info, lockedAt, lockedBy } = held;
  return typeof id === 'string' &&
    typeof info === 'string' &&
    typeof lockedAt === 'number' &&
    typeof lockedBy === 'string'
    ? { id, info, lockedAt, lockedBy }
    : null;
}

export function heldLock(db: Db): HeldLock | null {
  const row = db.select().from(tofuStateLock).where(eq(tofuStateLock.id, 1)).get();
  return row ? { id: row.lockId, info: row.info, lockedAt: row.lockedAt, lockedBy: row.lockedBy } : null;
}

/** Takes the lock, or names who holds it. Taking it again with the same ID succeeds (a retried LOCK). */
export function lock(
  db: Db,
  req: { id: string; info: string; by: string },
  now: number,
): Result<undefined, 'CONFLICT'> {
  const held = heldLock(db);
  if (held) return held.id === req.id ? ok() : lockedBy(held, `the state is locked by ${held.id}`);
  db.insert(tofuStateLock)
    .values({ id: 1, lockId: req.id, info: req.info, lockedAt: now, lockedBy: req.by })
    .run();
  return ok();
}

/**
 * Releases the lock. With an ID it must be the held one (unlocking a free state succeeds: a retried
 * UNLOCK); `force` releases whatever is held (OpenTofu's force-unlock sends no lock ID at all).
 */
export function unlock(
  db: Db,
  req: { id: string } | { force: true },
): Result<{ released: HeldLock | null }, 'CONFLICT'> {
  const held = heldLock(db);
  if (!held) return ok({ released: null });
  if ('id' in req && req.id !== held.id) {
    return lockedBy(held, `the state is locked by ${held.id}, not ${req.id}`);
  }
  db.delete(tofuStateLock).where(eq(tofuStateLock.id, 1)).run();
  return ok({ released: held });
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

function latest(db: Db) {
  return db.select().from(tofuStateVersions).orderBy(desc(tofuStateVersions.id)).limit(1).get() ?? null;
}

export function currentState(db: Db): StoredState | null {
  const row = latest(db);
  if (!row || row.serial === null) return null;
  const chunks = db
    .select({ data: tofuStateChunks.data })
    .from(tofuStateChunks)
    .where(eq(tofuStateChunks.versionId, row.id))
    .orderBy(tofuStateChunks.idx)
    .all()
    .map((c) => c.data);
  return {
    version: row.id,
    serial: row.serial,
    lineage: row.lineage ?? '',
    sha256: row.sha256 ?? '',
    size: row.size,
    keyId: row.keyId ?? '',
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

/** A write must come from the lock's holder when the state is locked, and never with a stale lock ID. */
function lockRefusal(db: Db, lockId: string | null): Result<never, 'CONFLICT'> | null {
  const held = heldLock(db);
  if (lockId !== null) {
    if (!held) {
      return refuse(
        'CONFLICT',
        `lock ${lockId} is not held (the state is unlocked: was it force-unlocked?); nothing was written`,
      );
    }
    if (held.id !== lockId) return lockedBy(held, `the state is locked by ${held.id}, not ${lockId}`);
  } else if (held) {
    return lockedBy(held, `the state is locked by ${held.id}; writes must carry ?ID=<lock id>`);
  }
  return null;
}

/**
 * Stores a new state version after checking the lock and that it does not go back in time: a
 * different lineage is another state, a lower serial is older than what is stored, and the same
 * serial must be the same bytes (then it is a retried push and nothing changes).
 */
export function putState(
  db: Db,
  input: PutStateInput,
  now: number,
): Result<{ version: number; unchanged: boolean }, 'CONFLICT'> {
  const refusal = lockRefusal(db, input.lockId);
  if (refusal) return refusal;
  const cur = latest(db);
  if (cur && cur.serial !== null) {
    if (cur.lineage !== input.lineage) {
      return refuse(
        'CONFLICT',
        `state lineage ${input.lineage} does not match the stored state's lineage ${cur.lineage}: refusing to replace a different state (delete the stored state first if that is really meant)`,
      );
    }
    if (input.serial < cur.serial) {
      return refuse(
        'CONFLICT',
        `state serial ${input.serial} is older than the stored serial ${cur.serial}: refusing to overwrite newer state`,
      );
    }
    if (input.serial === cur.serial) {
      if (input.sha256 === cur.sha256) return ok({ version: cur.id, unchanged: true });
      return refuse(
        'CONFLICT',
        `state serial ${input.serial} is already stored with different content: refusing to overwrite it (OpenTofu increments the serial on every change)`,
      );
    }
  }
  const { id } = db
    .insert(tofuStateVersions)
    .values({
      serial: input.serial,
      lineage: input.lineage,
      sha256: input.sha256,
      size: input.size,
      keyId: input.keyId,
      iv: input.iv,
      createdAt: now,
      createdBy: input.by,
      lockId: input.lockId,
    })
    .returning({ id: tofuStateVersions.id })
    .get();
  input.chunks.forEach((data, idx) => {
    db.insert(tofuStateChunks).values({ versionId: id, idx, data }).run();
  });
  prune(db, input.keep);
  return ok({ version: id, unchanged: false });
}

/** Marks the state deleted (a new version without state); history stays until pruned. */
export function deleteState(
  db: Db,
  req: { lockId: string | null; by: string; keep: number },
  now: number,
): Result<{ deleted: boolean }, 'CONFLICT'> {
  const refusal = lockRefusal(db, req.lockId);
  if (refusal) return refusal;
  const cur = latest(db);
  if (!cur || cur.serial === null) return ok({ deleted: false });
  db.insert(tofuStateVersions)
    .values({ serial: null, createdAt: now, createdBy: req.by, lockId: req.lockId })
    .run();
  prune(db, req.keep);
  return ok({ deleted: true });
}

function prune(db: Db, keep: number): void {
  const cutoff = db
    .select({ id: tofuStateVersions.id })
    .from(tofuStateVersions)
    .orderBy(desc(tofuStateVersions.id))
    .limit(1)
    .offset(keep - 1)
    .get()?.id;
  if (cutoff === undefined) return;
  db.delete(tofuStateChunks).where(lt(tofuStateChunks.versionId, cutoff)).run();
  db.delete(tofuStateVersions).where(lt(tofuStateVersions.id, cutoff)).run();
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

export function listVersions(db: Db): VersionInfo[] {
  return db
    .select()
    .from(tofuStateVersions)
    .orderBy(desc(tofuStateVersions.id))
    .all()
    .map((r) => ({
      version: r.id,
      serial: r.serial,
      lineage: r.lineage,
      sha256: r.sha256,
      size: r.size,
      createdAt: r.createdAt,
      createdBy: r.createdBy,
      deleted: r.serial === null,
    }));
}
