import { defineConfig } from 'drizzle-kit';

/** The AgentObject's SQLite (one per worker): migrations bundled into the Worker and run at start. */
export default defineConfig({
  dialect: 'sqlite',
  driver: 'durable-sqlite',
  schema: './edge/src/jobs/job-schema.ts',
  out: './edge/src/jobs/migrations',
});
