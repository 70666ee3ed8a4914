import { defineConfig } from 'drizzle-kit';

/**
 * The StackObject's SQLite (one per stack): its own tables and the OpenTofu state's share one
 * database, so they share one migration history (drizzle's migrator keeps one per database).
 */
export default defineConfig({
  dialect: 'sqlite',
  driver: 'durable-sqlite',
  schema: ['./edge/src/stacks/object/stack-schema.ts', './edge/src/tofu-state/state-schema.ts'],
  out: './edge/src/stacks/object/migrations',
});
