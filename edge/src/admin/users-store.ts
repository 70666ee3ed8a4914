/**
 * Users as the admin center sees them: search across every org, memberships with each org's
 * plan, disabling, and impersonation sessions. Only platform admins reach these (see app.ts).
 */
import { and, count, eq, ilike, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { memberships, orgs, sessions, subscriptions, users } from '../platform/db/schema.ts';

export type UserRow = typeof users.$inferSelect;

export interface UserMembership {
  orgId: string;
  orgName: string;
  role: string;
  plan: string;
  status: string;
  graceUntil: Date | null;
}

/** `%` and `_` are wildcards in LIKE: a search for "a_b" means those characters. */
function likePrefix(q: string): string {
  return `${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** Users whose email or name starts with `q` (case-insensitive), newest first, with the total. */
export async function searchUsers(db: Db, opts: { q: string | null; limit: number; offset: number }) {
  const where = opts.q
    ? or(ilike(users.email, likePrefix(opts.q)), ilike(users.name, likePrefix(opts.q)))
    : undefined;
  const [rows, totals] = await Promise.all([
    db
      .select()
      .from(users)
      .where(where)
      .orderBy(sql`${users.createdAt} DESC`, users.id)
      .limit(opts.limit)
      .offset(opts.offset),
    db.select({ n: count() }).from(users).where(where),
  ]);
  return { rows, total: totals[0]?.n ?? 0 };
}

export async function getUserById(db: Db, id: string): Promise<UserRow | null> {
  const rows = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return rows[0] ?? null;
}

/** The user with this `sub`; the configured issuer's user first when several issuers know the sub. */
export async function getUserBySub(db: Db, sub: string, issuer: string | undefined): Promise<UserRow | null> {
  const rows = await db
    .select()
    .from(users)
    .where(eq(users.sub, sub))
    .orderBy(sql`(${users.issuer} = ${issuer ?? ''}) DESC`, users.createdAt)
    .limit(1);
  return rows[0] ?? null;
}

/** Memberships of the given users, with each org's name and subscription. */
export async function membershipsOf(db: Db, userIds: string[]): Promise<Map<string, UserMembership[]>> {
  const out = new Map<string, UserMembership[]>();
  if (userIds.length === 0) return out;
  const rows = await db
    .select({
      userId: memberships.userId,
      orgId: memberships.orgId,
      orgName: orgs.name,
      role: memberships.role,
      plan: sql<string>`COALESCE(${subscriptions.plan}, 'free')`,
      status: sql<string>`COALESCE(${subscriptions.status}, 'none')`,
      graceUntil: subscriptions.graceUntil,
    })
    .from(memberships)
    .innerJoin(orgs, eq(orgs.id, memberships.orgId))
    .leftJoin(subscriptions, eq(subscriptions.orgId, memberships.orgId))
    .where(inArray(memberships.userId, userIds))
    .orderBy(memberships.createdAt, memberships.orgId);
  for (const { userId, ...m } of rows) {
    const list = out.get(userId) ?? [];
    list.push(m);
    out.set(userId, list);
  }
  return out;
}

/** Disables (revoking every open session in the same statement) or enables a user. */
export async function setUserDisabled(db: Db, id: string, disabled: boolean): Promise<UserRow | null> {
  if (!disabled) {
    const rows = await db.update(users).set({ disabledAt: null }).where(eq(users.id, id)).returning();
    return rows[0] ?? null;
  }
  const result = await db.execute<{ id: string }>(sql`
    WITH u AS (
      UPDATE users SET disabled_at = COALESCE(disabled_at, now()) WHERE id = ${id} RETURNING id
    ), s AS (
      UPDATE sessions SET revoked_at = now()
       WHERE user_id IN (SELECT id FROM u) AND revoked_at IS NULL RETURNING id
    )
    SELECT id FROM u`);
  return result.rows.length ? getUserById(db, id) : null;
}

/** True when the user exists and is disabled (Bearer JWTs are checked with this at the gate). */
export async function isUserDisabled(db: Db, id: string): Promise<boolean> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, id), sql`${users.disabledAt} IS NOT NULL`))
    .limit(1);
  return rows.length === 1;
}

/** True when the user holds the platform-admin role in any org. */
export async function isPlatformAdminUser(db: Db, userId: string): Promise<boolean> {
  const rows = await db
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.role, 'platform-admin')));
  return (rows[0]?.n ?? 0) > 0;
}

export async function createImpersonationSession(
  db: Db,
  s: {
    id: string;
    userId: string;
    orgId: string;
    expiresAt: Date;
    impersonatedBy: string;
    impersonatorSessionId: string | null;
  },
): Promise<void> {
  await db.insert(sessions).values(s);
}

/** Ends an open impersonation session; returns the admin's own session id to give back, if any. */
export async function endImpersonation(
  db: Db,
  sessionId: string,
): Promise<{ userId: string; impersonatedBy: string; impersonatorSessionId: string | null } | null> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(sessions.id, sessionId),
        isNull(sessions.revokedAt),
        sql`${sessions.impersonatedBy} IS NOT NULL`,
      ),
    )
    .returning({
      userId: sessions.userId,
      impersonatedBy: sessions.impersonatedBy,
      impersonatorSessionId: sessions.impersonatorSessionId,
    });
  const row = rows[0];
  return row ? { ...row, impersonatedBy: row.impersonatedBy! } : null;
}
