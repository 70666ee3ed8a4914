/** Shell scripts imported as text (wrangler.toml [[rules]] type "Text"). */
declare module '*.sh' {
  const text: string;
  export default text;
}

/** Durable Object SQLite migrations imported as text (wrangler.toml [[rules]] type "Text"). */
declare module '*.sql' {
  const text: string;
  export default text;
}

/**
 * drizzle-kit's `migrations.js` for a Durable Object's SQLite (driver 'durable-sqlite'): the journal
 * and each migration's SQL, the argument of drizzle's durable-sqlite `migrate`.
 */
declare module '*/migrations/migrations.js' {
  const migrations: {
    journal: { entries: { idx: number; when: number; tag: string; breakpoints: boolean }[] };
    migrations: Record<string, string>;
  };
  export default migrations;
}
