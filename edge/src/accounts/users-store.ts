/** Users, their org memberships and their browser sessions. */
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { memberships, orgs, sessions, users } from '../platform/db/schema.ts';

/**
 * Creates or refreshes the user on sign-in. Only an address the issuer verified is kept: an
 * unproven one (someone typed another person's address at the issuer) neither becomes a new
 * user's email nor replaces the one on record, so it cannot pass for that person in member lists.
 */
export async function upsertUser(
  db: Db,
  u: {
    id: string;
    issuer: string;
    sub: string;
    email: string | null;
    emailVerified: boolean;
    name: string | null;
  },
): Promise<void> {
  const email = u.emailVerified ? u.email : null;
  await db
    .insert(users)
    .values({ id: u.id, issuer: u.issuer, sub: u.sub, email, name: u.name, lastSignInAt: new Date() })
    .onConflictDoUpdate({
      target: [users.issuer, users.sub],
      set: { ...(email ? { email } : {}), name: u.name, lastSignInAt: sql`now()` },
    });
}

/** Makes sure the org exists and the user is a member; an existing role is kept. */
export async function ensureMembership(
  db: Db,
  m: { orgId: string; orgName: string; userId: string; role: string },
): Promise<string> {
  await db.insert(orgs).values({ id: m.orgId, name: m.orgName, slug: m.orgId }).onConflictDoNothing();
  const rows = await db
    .insert(memberships)
    .values({ orgId: m.orgId, userId: m.userId, role: m.role })
    .onConflictDoUpdate({
      target: [memberships.orgId, memberships.userId],
      set: { orgId: sql`excluded.org_id` },
    })
    .returning({ role: memberships.role });
  return rows[0]?.role ?? m.role;
}

export async function createSession(
  db: Db,
  s: { id: string; userId: string; orgId: string; expiresAt: Date },
): Promise<void> {
  await db.insert(sessions).values(s);
}

/** A live session with its user and role, or null when unknown, revoked or expired. */
export async function findLiveSession(db: Db, id: string) {
  const rows = await db
    .select({
      sessionId: sessions.id,
      expiresAt: sessions.expiresAt,
      userId: users.id,
      email: users.email,
      name: users.name,
      orgId: sessions.orgId,
      orgName: orgs.name,
      role: memberships.role,
      disabledAt: users.disabledAt,
      impersonatedBy: sessions.impersonatedBy,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(orgs, eq(orgs.id, sessions.orgId))
    .innerJoin(
      memberships,
      and(eq(memberships.userId, sessions.userId), eq(memberships.orgId, sessions.orgId)),
    )
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`)))
    .limit(1);
  return rows[0] ?? null;
}

export async function revokeSession(db: Db, id: string): Promise<boolean> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return rows.length === 1;
}

export async function updateProfile(db: Db, userId: string, profile: { name: string }): Promise<void> {
  await db.update(users).set({ name: profile.name }).where(eq(users.id, userId));
}

export async function getPreferences(db: Db, userId: string): Promise<Record<string, unknown> | null> {
  const rows = await db.select({ p: users.preferences }).from(users).where(eq(users.id, userId)).limit(1);
  return rows[0]?.p ?? null;
}

export async function setPreferences(db: Db, userId: string, prefs: Record<string, unknown>): Promise<void> {
  await db.update(users).set({ preferences: prefs }).where(eq(users.id, userId));
}

/** Ends a person's sessions in one org (they were removed from it). */
export async function revokeSessionsIn(db: Db, userId: string, orgId: string): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.userId, userId), eq(sessions.orgId, orgId), isNull(sessions.revokedAt)));
}
