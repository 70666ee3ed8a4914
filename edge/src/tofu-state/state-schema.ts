/**
 * A stack's OpenTofu state tables. They live in the StackObject's SQLite next to the stack's own
 * tables, so they are part of the StackObject's migrations (drizzle.stack-object.config.ts lists
 * this file with stacks/object/stack-schema.ts): one database, one migration history.
 */
import { sql } from 'drizzle-orm';
import { check, customType, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * A BLOB as the ArrayBuffer workerd's SQL API reads and writes (drizzle's own `blob` maps to Node
 * Buffers). Ciphertext crosses the object's RPC boundary as ArrayBuffers.
 */
const bytes = customType<{ data: ArrayBuffer; driverData: ArrayBuffer }>({ dataType: () => 'blob' });

/** The org the stack belongs to, recorded at first use; one row. */
export const tofuOwner = sqliteTable(
  'tofu_owner',
  {
    id: integer('id').primaryKey(),
    orgId: text('org_id').notNull(),
    claimedAt: integer('claimed_at').notNull(),
  },
  (t) => [check('tofu_owner_one_row', sql`${t.id} = 1`)],
);

export const tofuStateVersions = sqliteTable('tofu_state_versions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** NULL: a deletion marker (no current state). */
  serial: integer('serial'),
  lineage: text('lineage'),
  /** Of the plaintext. */
  sha256: text('sha256'),
  size: integer('size').notNull().default(0),
  keyId: text('key_id'),
  iv: bytes('iv'),
  createdAt: integer('created_at').notNull(),
  createdBy: text('created_by').notNull(),
  lockId: text('lock_id'),
});

/** Ciphertext in slices under SQLite's value size limit (state-store.ts CHUNK_BYTES). */
export const tofuStateChunks = sqliteTable(
  'tofu_state_chunks',
  {
    versionId: integer('version_id').notNull(),
    idx: integer('idx').notNull(),
    data: bytes('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.idx] })],
);

/** The lock, one row while held. */
export const tofuStateLock = sqliteTable(
  'tofu_state_lock',
  {
    id: integer('id').primaryKey(),
    lockId: text('lock_id').notNull(),
    /** The LockInfo JSON exactly as its holder sent it (what OpenTofu shows on a conflict). */
    info: text('info').notNull(),
    lockedAt: integer('locked_at').notNull(),
    lockedBy: text('locked_by').notNull(),
  },
  (t) => [check('tofu_state_lock_one_row', sql`${t.id} = 1`)],
);
