/** Orgs, people and how they get in: API keys, users, memberships, sessions, activity, invitations. */
import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';

export const orgs = pgTable('orgs', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  slug: text('slug').notNull().unique(),
  createdAt: createdAt(),
});

/** API keys are stored as a SHA-256 hash; only the prefix is kept in clear for listing. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    hash: text('hash').notNull(),
    role: text('role').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    /**
     * The person the key acts for (a user id; a key made by a key inherits its maker). The key
     * stops when that person is disabled or leaves the org, unless it is a service key. Null for
     * keys made before this was recorded, or by seeding: those act for nobody.
     */
    createdBy: text('created_by'),
    /** Marked by an owner: the key belongs to the org and outlives the person who made it. */
    service: boolean('service').notNull().default(false),
  },
  (t) => [
    uniqueIndex('api_keys_hash_idx').on(t.hash),
    index('api_keys_org_idx').on(t.orgId),
    index('api_keys_created_by_idx').on(t.createdBy),
  ],
);

/** People, as the OpenID issuer knows them (`sub`). Created on first sign-in. */
export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    issuer: text('issuer').notNull(),
    sub: text('sub').notNull(),
    email: text('email'),
    name: text('name'),
    createdAt: createdAt(),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
    /** Free-form UI preferences (theme, density, …), at most a few KB. */
    preferences: jsonb('preferences').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    /** Set by a platform admin: the gate refuses the user's sessions and tokens from then on. */
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('users_issuer_sub_idx').on(t.issuer, t.sub)],
);

export const memberships = pgTable(
  'memberships',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** owner | admin | member | viewer */
    role: text('role').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('memberships_org_user_idx').on(t.orgId, t.userId),
    index('memberships_user_idx').on(t.userId),
  ],
);

/**
 * Browser sessions. The cookie holds only a signed, short-lived reference to this row; signing
 * out (or expiry) ends the session for every cookie that points at it.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    /** Set on an impersonation session: the platform admin (`kind:id`) acting as this user. */
    impersonatedBy: text('impersonated_by'),
    /** The admin's own session (when they started from a browser), given back when impersonation ends. */
    impersonatorSessionId: text('impersonator_session_id'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/** What happened in an org and who did it: sign-ins, key changes, role changes. */
export const activity = pgTable(
  'activity',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    /** `user:<id>` or `api_key:<id>`. */
    actor: text('actor').notNull(),
    userId: text('user_id'),
    kind: text('kind').notNull(),
    message: text('message').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('activity_org_idx').on(t.orgId, t.createdAt),
    index('activity_user_idx').on(t.userId, t.createdAt),
  ],
);

/** Invitations by email: accepted when someone with that (issuer-verified) email signs in. */
export const invitations = pgTable(
  'invitations',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role').notNull(),
    invitedBy: text('invited_by').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
  },
  (t) => [
    index('invitations_email_idx').on(t.email),
    uniqueIndex('invitations_org_email_idx').on(t.orgId, t.email),
  ],
);
