/**
 * drizzle-kit's `migrations.js` for a Durable Object's SQLite (driver 'durable-sqlite'): the journal
 * and each migration's SQL, the argument of drizzle's durable-sqlite `migrate`. (Text modules such
 * as `*.sh` and `*.sql` are declared by the generated edge/gen/worker-configuration.d.ts.)
 */
declare module '*/migrations/migrations.js' {
  const migrations: {
    journal: { entries: { idx: number; when: number; tag: string; breakpoints: boolean }[] };
    migrations: Record<string, string>;
  };
  export default migrations;
}
