/** API keys: stored as SHA-256 hashes; the clear key is shown once, when it is made. */
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { apiKeys, memberships, users } from '../platform/db/schema.ts';

export type ApiKeyRow = typeof apiKeys.$inferSelect;

/**
 * The key with this hash, and whether the person it acts for can still act: not disabled and
 * still a member of the key's org (issue 20, M5). Service keys and keys of nobody always can.
 */
export async function findApiKeyByHash(
  db: Db,
  hash: string,
): Promise<(ApiKeyRow & { makerActive: boolean }) | null> {
  const rows = await db
    .select({
      key: apiKeys,
      makerDisabledAt: users.disabledAt,
      makerId: users.id,
      makerMembership: memberships.userId,
    })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .leftJoin(
      memberships,
      and(eq(memberships.userId, apiKeys.createdBy), eq(memberships.orgId, apiKeys.orgId)),
    )
    .where(eq(apiKeys.hash, hash))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  const makerActive =
    row.key.service ||
    row.key.createdBy === null ||
    (row.makerId !== null && row.makerDisabledAt === null && row.makerMembership !== null);
  return { ...row.key, makerActive };
}

/** Who a key acts for (its maker, or its maker's maker), for a key made by a key. */
export async function makerOfKey(db: Db, id: string): Promise<string | null> {
  const rows = await db
    .select({ createdBy: apiKeys.createdBy })
    .from(apiKeys)
    .where(eq(apiKeys.id, id))
    .limit(1);
  return rows[0]?.createdBy ?? null;
}

/** The hashes of the keys that act for this person (in one org, or all), to forget their cached grants. */
export async function keyHashesOf(db: Db, userId: string, orgId?: string): Promise<string[]> {
  const rows = await db
    .select({ hash: apiKeys.hash })
    .from(apiKeys)
    .where(and(eq(apiKeys.createdBy, userId), orgId ? eq(apiKeys.orgId, orgId) : undefined));
  return rows.map((r) => r.hash);
}

export async function insertApiKey(db: Db, key: typeof apiKeys.$inferInsert): Promise<void> {
  await db.insert(apiKeys).values(key);
}

export async function touchApiKey(db: Db, id: string): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, id));
}

export async function listApiKeys(db: Db, orgId: string) {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      role: apiKeys.role,
      createdAt: apiKeys.createdAt,
      expiresAt: apiKeys.expiresAt,
      revokedAt: apiKeys.revokedAt,
      lastUsedAt: apiKeys.lastUsedAt,
      createdBy: apiKeys.createdBy,
      service: apiKeys.service,
    })
    .from(apiKeys)
    .where(eq(apiKeys.orgId, orgId))
    .orderBy(desc(apiKeys.createdAt), apiKeys.id);
}

/** Revokes a key of the org; null when the org has no such (unrevoked) key. */
export async function revokeApiKey(db: Db, orgId: string, id: string) {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.orgId, orgId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      hash: apiKeys.hash,
      revokedAt: apiKeys.revokedAt,
    });
  return rows[0] ?? null;
}
