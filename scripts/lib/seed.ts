/** Creates orgs and API keys directly in the database: the local admin credential, test tenants. */
import { and, eq, inArray } from 'drizzle-orm';
import { insertApiKey } from '../../edge/src/accounts/api-keys-store.ts';
import { type DbConfig, openDb } from '../../edge/src/platform/db/client.ts';
import { apiKeys, memberships, orgs, subscriptions, users } from '../../edge/src/platform/db/schema.ts';
import { randomId, randomSecret, sha256Hex } from '../../edge/src/platform/ids.ts';
import { useNodeWebSocket } from './migrate.ts';

export async function ensureOrg(
  config: DbConfig,
  org: { id: string; name: string; slug: string },
): Promise<void> {
  useNodeWebSocket();
  const { db, close } = openDb(config);
  try {
    await db.insert(orgs).values(org).onConflictDoNothing();
  } finally {
    await close();
  }
}

/** Makes an API key for an org and returns the clear key (shown once; only its hash is stored). */
export async function createApiKey(
  config: DbConfig,
  opts: { orgId: string; name: string; role: string; expiresAt?: Date },
): Promise<string> {
  useNodeWebSocket();
  const key = randomSecret('kfy');
  const { db, close } = openDb(config);
  try {
    await insertApiKey(db, {
      id: randomId('key'),
      orgId: opts.orgId,
      name: opts.name,
      prefix: key.slice(0, 12),
      hash: await sha256Hex(key),
      role: opts.role,
      expiresAt: opts.expiresAt ?? null,
    });
  } finally {
    await close();
  }
  return key;
}

/** True when the key is stored, unrevoked and unexpired. */
export async function apiKeyIsValid(config: DbConfig, key: string): Promise<boolean> {
  useNodeWebSocket();
  const { db, close } = openDb(config);
  try {
    const rows = await db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.hash, await sha256Hex(key)))
      .limit(1);
    const row = rows[0];
    return Boolean(row && !row.revokedAt && (!row.expiresAt || row.expiresAt.getTime() > Date.now()));
  } finally {
    await close();
  }
}

/** Gives an org a plan directly (local installs and tests; real orgs get theirs from Stripe). */
export async function setPlan(
  config: DbConfig,
  orgId: string,
  plan: 'free' | 'pro' | 'enterprise',
): Promise<void> {
  useNodeWebSocket();
  const { db, close } = openDb(config);
  try {
    await db
      .insert(subscriptions)
      .values({ orgId, plan, status: 'active' })
      .onConflictDoUpdate({ target: subscriptions.orgId, set: { plan, status: 'active' } });
  } finally {
    await close();
  }
}

/**
 * Sets a signed-in user's role in an org by email. Platform admin is granted here (by whoever runs
 * the platform), never from an identity provider's claims.
 */
export async function setMemberRoleByEmail(
  config: DbConfig,
  orgId: string,
  email: string,
  role: string,
): Promise<boolean> {
  useNodeWebSocket();
  const { db, close } = openDb(config);
  try {
    const rows = await db
      .update(memberships)
      .set({ role })
      .where(
        and(
          eq(memberships.orgId, orgId),
          inArray(memberships.userId, db.select({ id: users.id }).from(users).where(eq(users.email, email))),
        ),
      )
      .returning({ userId: memberships.userId });
    return rows.length > 0;
  } finally {
    await close();
  }
}
