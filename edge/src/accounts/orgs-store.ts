import type { Db } from '../platform/db/client.ts';
import { orgs } from '../platform/db/schema.ts';

/** Creates the org on first sight (a user from the issuer); a no-op when it exists. */
export async function ensureOrg(db: Db, org: { id: string; name: string; slug: string }): Promise<void> {
  await db.insert(orgs).values(org).onConflictDoNothing();
}
