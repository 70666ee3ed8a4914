/** `npm run db:migrate`: applies /migrations to the Postgres in DATABASE_URL (Neon or any other). */
import { startDatabase } from './lib/database.ts';

const url = process.env.DATABASE_URL;
if (!url) {
  process.stderr.write(
    'DATABASE_URL is not set. Example: DATABASE_URL=postgres://user:pass@host/db npm run db:migrate\n',
  );
  process.exit(2);
}
try {
  const db = await startDatabase({ url, wsProxy: process.env.DATABASE_WS_PROXY });
  process.stdout.write(`migrations applied to ${db.description}\n`);
  await db.close();
} catch (error) {
  process.stderr.write(`migration failed: ${(error as Error).message}\n`);
  process.exit(1);
}
