/**
 * The caller's org: members and their roles, invitations by email, leaving. Roles, highest first:
 * owner, admin, member, viewer. Nobody grants a role above their own; an org always keeps an owner.
 */
import { memberRole as orgRole } from '@kombify/proto/api';
import { atLeast } from '@kombify/proto/roles';
import { Hono } from 'hono';
import { z } from 'zod';
import { recordActivity } from '../platform/db/activity.ts';
import type { AppEnv, Principal } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { randomId } from '../platform/ids.ts';
import { readJson } from '../platform/validate.ts';
import { anyRole, gate } from './api-auth.ts';
import { actorOf, forgetKeysOf } from './api-key-routes.ts';
import { invite, listMembers, memberRole, ownerCount, removeMember, setMemberRole } from './members-store.ts';
import { revokeSessionsIn } from './users-store.ts';

export const org = new Hono<AppEnv>();
org.use(gate(anyRole, 'account'));

const role = orgRole;

function requireManager(p: Principal): void {
  if (!atLeast(p.role, 'admin'))
    throw new ApiError('AUTH_INSUFFICIENT', 'only owners and admins manage members');
}

function requireAtMost(p: Principal, wanted: string): void {
  if (!atLeast(p.role, wanted)) {
    throw new ApiError('AUTH_INSUFFICIENT', `you cannot grant a role above your own (${p.role})`);
  }
}

org.get('/members', async (c) => {
  const rows = await listMembers(c.get('db')(), c.get('principal').orgId);
  return c.json({
    data: rows.map((m) => ({
      user_id: m.userId,
      email: m.email,
      name: m.name,
      role: m.role,
      joined_at: m.joinedAt.toISOString(),
    })),
  });
});

export const invitationBody = z
  .object({
    email: z.email().max(254),
    role: role.default('member'),
    expires_in_days: z.number().int().min(1).max(30).default(7),
  })
  .strict();

org.post('/invitations', async (c) => {
  const body = await readJson(c, invitationBody);
  const p = c.get('principal');
  requireManager(p);
  requireAtMost(p, body.role);
  const db = c.get('db')();
  const id = randomId('inv');
  const expiresAt = new Date(Date.now() + body.expires_in_days * 86_400_000);
  const email = body.email.toLowerCase();
  await invite(db, { id, orgId: p.orgId, email, role: body.role, invitedBy: actorOf(p).actor, expiresAt });
  await recordActivity(db, {
    orgId: p.orgId,
    ...actorOf(p),
    kind: 'member.invited',
    message: `invited ${email} as ${body.role}`,
  });
  return c.json({ data: { email, role: body.role, expires_at: expiresAt.toISOString() } }, 201);
});

export const memberRoleBody = z.object({ role }).strict();

org.patch('/members/:userId', async (c) => {
  const { role: next } = await readJson(c, memberRoleBody);
  const p = c.get('principal');
  requireManager(p);
  requireAtMost(p, next);
  const userId = c.req.param('userId');
  const db = c.get('db')();
  const current = await memberRole(db, p.orgId, userId);
  if (!current) throw new ApiError('NOT_FOUND', `member ${userId} not found`);
  requireAtMost(p, current);
  if (current === 'owner' && next !== 'owner' && (await ownerCount(db, p.orgId)) <= 1) {
    throw new ApiError('CONFLICT', 'an org needs at least one owner: make someone else owner first');
  }
  await setMemberRole(db, p.orgId, userId, next);
  await recordActivity(db, {
    orgId: p.orgId,
    ...actorOf(p),
    kind: 'member.role_changed',
    message: `changed ${userId} from ${current} to ${next}`,
  });
  // The member's own feed shows it too.
  await recordActivity(db, {
    orgId: p.orgId,
    actor: actorOf(p).actor,
    userId,
    kind: 'role.changed',
    message: `your role is now ${next} (was ${current})`,
  });
  return c.json({ data: { user_id: userId, role: next } });
});

/** Leave the org (the caller, signed in as a user). The last owner cannot leave. */
org.delete('/members/me', async (c) => {
  const p = c.get('principal');
  if (p.kind === 'api_key')
    throw new ApiError('VALIDATION_FAILED', 'an API key is not a member; revoke it instead');
  const db = c.get('db')();
  if (p.role === 'owner' && (await ownerCount(db, p.orgId)) <= 1) {
    throw new ApiError('CONFLICT', 'you are the last owner: make someone else owner before leaving');
  }
  if (!(await removeMember(db, p.orgId, p.id)))
    throw new ApiError('NOT_FOUND', 'you are not a member of this org');
  await recordActivity(db, { orgId: p.orgId, ...actorOf(p), kind: 'member.left', message: 'left the org' });
  return c.json({ data: { left: p.orgId } });
});

/**
 * Removes a member (owners and admins; not someone above you; never the last owner). Their
 * sessions in this org end, and the API keys they made for it stop, unless an owner made them
 * service keys (issue 20, M5).
 */
org.delete('/members/:userId', async (c) => {
  const p = c.get('principal');
  requireManager(p);
  const userId = c.req.param('userId');
  if (userId === p.id)
    throw new ApiError('VALIDATION_FAILED', 'to leave the org yourself, DELETE /api/org/members/me');
  const db = c.get('db')();
  const current = await memberRole(db, p.orgId, userId);
  if (!current) throw new ApiError('NOT_FOUND', `member ${userId} not found`);
  requireAtMost(p, current);
  if (current === 'owner' && (await ownerCount(db, p.orgId)) <= 1)
    throw new ApiError('CONFLICT', 'an org needs at least one owner: make someone else owner first');
  await removeMember(db, p.orgId, userId);
  await revokeSessionsIn(db, userId, p.orgId);
  await forgetKeysOf(c.env, db, userId, p.orgId);
  await recordActivity(db, {
    orgId: p.orgId,
    ...actorOf(p),
    kind: 'member.removed',
    message: `removed ${userId} (was ${current})`,
  });
  return c.json({ data: { user_id: userId, removed: true } });
});
