/**
 * The Postgres schema. Every table an org owns carries `org_id`; every query filters by it.
 * drizzle-kit generates the SQL migrations in /migrations from this file (`npm run db:generate`).
 */
export * from './schema/accounts.ts';
export * from './schema/admin.ts';
export * from './schema/billing.ts';
export * from './schema/secrets.ts';
export * from './schema/stacks.ts';
export * from './schema/workers.ts';
