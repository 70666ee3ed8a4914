/**
 * The org secret store (issue 16): one data key per org, wrapped by the master key
 * (SECRETS_MASTER_KEY), and the secrets, each encrypted with its org's data key. Never a value in
 * clear: `ciphertext` (base64) is AES-256-GCM with AAD = org id + path (edge/src/secrets/secret-crypto.ts).
 */
import { integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { orgs } from './accounts.ts';
import { createdAt } from './columns.ts';

/** An org's data key, wrapped; `masterKeyId` is the fingerprint of the master key that wrapped it. */
export const secretDataKeys = pgTable('secret_data_keys', {
  orgId: text('org_id')
    .primaryKey()
    .references(() => orgs.id, { onDelete: 'cascade' }),
  masterKeyId: text('master_key_id').notNull(),
  iv: text('iv').notNull(),
  wrapped: text('wrapped').notNull(),
  createdAt: createdAt(),
  rewrappedAt: timestamp('rewrapped_at', { withTimezone: true }),
});

/** One secret per org and path; `version` counts its values (1 on first write). */
export const secrets = pgTable(
  'secrets',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    path: text('path').notNull(),
    version: integer('version').notNull(),
    iv: text('iv').notNull(),
    ciphertext: text('ciphertext').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: text('updated_by').notNull(),
  },
  // The primary key's leading org_id serves the per-org lists; no separate index.
  (t) => [primaryKey({ columns: [t.orgId, t.path] })],
);
