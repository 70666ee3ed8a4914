/** Org membership: listing, roles, invitations, leaving. Every query names the org. */
import { and, count, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client.ts';
import { invitations, memberships, users } from '../platform/db/schema.ts';

export async function listMembers(db: Db, orgId: string) {
  return db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: memberships.role,
      joinedAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, orgId))
    .orderBy(memberships.createdAt, users.id);
}

export async function memberRole(db: Db, orgId: string, userId: string): Promise<string | null> {
  const rows = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
    .limit(1);
  return rows[0]?.role ?? null;
}

export async function ownerCount(db: Db, orgId: string): Promise<number> {
  const rows = await db
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.role, 'owner')));
  return rows[0]?.n ?? 0;
}

export async function setMemberRole(db: Db, orgId: string, userId: string, role: string): Promise<boolean> {
  const rows = await db
    .update(memberships)
    .set({ role })
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
    .returning({ userId: memberships.userId });
  return rows.length === 1;
}

export async function removeMember(db: Db, orgId: string, userId: string): Promise<boolean> {
  const rows = await db
    .delete(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
    .returning({ userId: memberships.userId });
  return rows.length === 1;
}

/** Invites an email (again: the role and expiry are renewed). */
export async function invite(
  db: Db,
  inv: { id: string; orgId: string; email: string; role: string; invitedBy: string; expiresAt: Date },
): Promise<void> {
  await db
    .insert(invitations)
    .values(inv)
    .onConflictDoUpdate({
      target: [invitations.orgId, invitations.email],
      set: { role: inv.role, invitedBy: inv.invitedBy, expiresAt: inv.expiresAt, acceptedAt: null },
    });
}

/** Turns the open invitations for this email into memberships; returns the orgs joined. */
export async function acceptInvitations(db: Db, userId: string, email: string): Promise<string[]> {
  const open = await db
    .update(invitations)
    .set({ acceptedAt: sql`now()` })
    .where(
      and(
        eq(invitations.email, email.toLowerCase()),
        isNull(invitations.acceptedAt),
        gt(invitations.expiresAt, sql`now()`),
      ),
    )
    .returning({ orgId: invitations.orgId, role: invitations.role });
  for (const inv of open) {
    await db.insert(memberships).values({ orgId: inv.orgId, userId, role: inv.role }).onConflictDoNothing();
  }
  return open.map((i) => i.orgId);
}
