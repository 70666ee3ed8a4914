/**
 * Users in the admin center (platform admins): search, org roles, disable/enable, impersonation
 * and MFA reset at the identity provider. Every write is in the audit log with before/after.
 */
import { roleName } from '@kombify/proto/api';
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import {
  anyRole,
  cookieName,
  cookieOptions,
  findLiveSession,
  forgetKeysOf,
  gate,
  identityProviderAdmin,
  memberRole,
  ownerCount,
  platformAdmin,
  readSession,
  sessionCookieName,
  setMemberRole,
  signSession,
} from '../accounts/index.ts';
import { auditContext } from '../platform/audit-context.ts';
import { recordActivity } from '../platform/db/activity.ts';
import { audit } from '../platform/db/audit.ts';
import type { AppEnv, Principal } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { randomId } from '../platform/ids.ts';
import { readJson, readPage } from '../platform/validate.ts';
import { userView } from './user-view.ts';
import {
  createImpersonationSession,
  endImpersonation,
  getUserById,
  isPlatformAdminUser,
  membershipsOf,
  searchUsers,
  setUserDisabled,
} from './users-store.ts';

export const usersAdmin = new Hono<AppEnv>();

/** Holds the admin's own session cookie while they impersonate someone. */
const ADMIN_COOKIE = 'kfy_admin_session';

/** The path of the one users route an impersonated (non-admin) session may call. */
const endImpersonationPath = '/api/v1/users/impersonation/end';
const adminGate = gate(platformAdmin, 'admin');
const accountGate = gate(anyRole, 'account');
// Users admin is for platform admins; an impersonated session may end itself (the handler checks).
usersAdmin.use((c, next) =>
  c.req.path === endImpersonationPath ? accountGate(c, next) : adminGate(c, next),
);

async function loadUser(c: Context<AppEnv>, id: string) {
  const db = c.get('db')();
  const user = await getUserById(db, id);
  if (!user) throw new ApiError('NOT_FOUND', `user ${id} not found`);
  return { db, user, view: userView(user, (await membershipsOf(db, [id])).get(id) ?? []) };
}

/** An admin acting on their own account could lock themselves out: refused. */
function refuseSelf(p: Principal, userId: string, what: string): void {
  if (p.kind !== 'api_key' && p.id === userId)
    throw new ApiError('CONFLICT', `you cannot ${what} your own account; ask another platform admin`);
}

usersAdmin.get('/', async (c) => {
  const page = readPage(c);
  const q = c.req.query('q')?.trim() || null;
  if (q && q.length > 100) {
    throw new ApiError('VALIDATION_FAILED', 'search is limited to 100 characters', {
      details: [{ path: 'q', code: 'too_long', message: 'at most 100 characters' }],
    });
  }
  const db = c.get('db')();
  const { rows, total } = await searchUsers(db, { q, limit: page.limit, offset: page.offset });
  const orgs = await membershipsOf(
    db,
    rows.map((u) => u.id),
  );
  return c.json({
    data: rows.map((u) => userView(u, orgs.get(u.id) ?? [])),
    pagination: { page: page.page, per_page: page.perPage, total },
  });
});

usersAdmin.get('/:id', async (c) => c.json({ data: (await loadUser(c, c.req.param('id'))).view }));

export const setRoleBody = z
  .object({
    org_id: z.string().min(1).max(100),
    role: roleName,
  })
  .strict();

/** Sets the user's role in one org, with the org rules: an org keeps an owner; nobody changes their own. */
usersAdmin.patch('/:id/roles', async (c) => {
  const body = await readJson(c, setRoleBody);
  const p = c.get('principal');
  const id = c.req.param('id');
  refuseSelf(p, id, 'change the roles of');
  const { db, view: before } = await loadUser(c, id);
  const current = await memberRole(db, body.org_id, id);
  if (!current) throw new ApiError('NOT_FOUND', `user ${id} is not a member of org ${body.org_id}`);
  if (current === 'owner' && body.role !== 'owner' && (await ownerCount(db, body.org_id)) <= 1) {
    throw new ApiError(
      'CONFLICT',
      `${id} is the last owner of ${body.org_id}: make someone else owner first`,
    );
  }
  await setMemberRole(db, body.org_id, id, body.role);
  const after = (await loadUser(c, id)).view;
  await audit(db, { ...auditContext(c), action: 'user.role', target: `user:${id}`, before, after });
  await recordActivity(db, {
    orgId: body.org_id,
    actor: auditContext(c).actor,
    userId: id,
    kind: 'role.changed',
    message: `a platform admin changed your role to ${body.role} (was ${current})`,
  });
  return c.json({ data: after });
});

for (const [path, disabled] of [
  ['/:id/disable', true],
  ['/:id/enable', false],
] as const) {
  usersAdmin.post(path, async (c) => {
    const id = c.req.param('id');
    refuseSelf(c.get('principal'), id, disabled ? 'disable' : 'enable');
    const { db, view: before } = await loadUser(c, id);
    await setUserDisabled(db, id, disabled);
    // The keys they made stop with them (service keys excepted), at once (issue 20, M5).
    await forgetKeysOf(c.env, db, id);
    const after = (await loadUser(c, id)).view;
    await audit(db, {
      ...auditContext(c),
      action: disabled ? 'user.disable' : 'user.enable',
      target: `user:${id}`,
      before,
      after,
    });
    return c.json({ data: after });
  });
}

export const impersonateBody = z.object({ org_id: z.string().min(1).max(100).optional() }).strict();

/**
 * Starts a time-limited session as the user (IMPERSONATION_TTL_SECONDS). A browser admin gets the
 * cookie (their own session is given back when it ends); an API client gets the cookie value.
 */
usersAdmin.post('/:id/impersonate', async (c) => {
  const body = await readJson(c, impersonateBody);
  const p = c.get('principal');
  const id = c.req.param('id');
  refuseSelf(p, id, 'impersonate');
  const config = c.get('config');
  if (!config.SESSION_SECRET)
    throw new ApiError('SERVICE_UNAVAILABLE', 'sessions are not configured (SESSION_SECRET)');
  const { db, user, view } = await loadUser(c, id);
  if (user.disabledAt) throw new ApiError('CONFLICT', `user ${id} is disabled`);
  // Acting as another platform admin would be a way around the audit trail of their rights.
  if (await isPlatformAdminUser(db, id))
    throw new ApiError('AUTH_INSUFFICIENT', 'platform admins cannot be impersonated');
  const orgId = body.org_id ?? view.orgs[0]?.org_id;
  if (!orgId || !view.orgs.some((o) => o.org_id === orgId))
    throw new ApiError('NOT_FOUND', `user ${id} is not a member of ${body.org_id ?? 'any org'}`);
  const sessionId = randomId('ses');
  const ttl = config.IMPERSONATION_TTL_SECONDS;
  const expiresAt = new Date(Date.now() + ttl * 1000);
  const by = auditContext(c).actor;
  await createImpersonationSession(db, {
    id: sessionId,
    userId: id,
    orgId,
    expiresAt,
    impersonatedBy: by,
    impersonatorSessionId: p.kind === 'session' ? (p.sessionId ?? null) : null,
  });
  const cookie = await signSession(config.SESSION_SECRET, sessionId, ttl);
  // The admin's own session cookie is kept beside it (its own cookie, HttpOnly): ending the
  // impersonation gives the admin session back only to the browser that still holds it, never
  // to whoever holds the impersonation cookie alone (issue 20, M6).
  const own = getCookie(c, sessionCookieName(c));
  if (p.kind === 'session' && own) setCookie(c, cookieName(c, ADMIN_COOKIE), own, cookieOptions(c, ttl));
  setCookie(c, sessionCookieName(c), cookie, cookieOptions(c, ttl));
  await audit(db, {
    ...auditContext(c),
    action: 'user.impersonate',
    target: `user:${id}`,
    before: null,
    after: { session_id: sessionId, org_id: orgId, expires_at: expiresAt.toISOString() },
  });
  return c.json(
    {
      data: {
        session_id: sessionId,
        user_id: id,
        org_id: orgId,
        expires_at: expiresAt.toISOString(),
        cookie: { name: sessionCookieName(c), value: cookie },
      },
    },
    201,
  );
});

export const endImpersonationBody = z.object({ session_id: z.string().min(1).max(100) }).strict();

/**
 * Ends impersonation: called from the impersonated session itself (the banner's button), or by a
 * platform admin naming the session.
 */
usersAdmin.post('/impersonation/end', async (c) => {
  const p = c.get('principal');
  const config = c.get('config');
  const db = c.get('db')();
  let sessionId: string;
  if (p.impersonation && p.sessionId) sessionId = p.sessionId;
  else if (p.role === 'platform-admin') {
    sessionId = (await readJson(c, endImpersonationBody)).session_id;
  } else throw new ApiError('AUTH_INSUFFICIENT', 'this session is not an impersonation');
  const ended = await endImpersonation(db, sessionId);
  if (!ended) throw new ApiError('NOT_FOUND', `no open impersonation session ${sessionId}`);
  await audit(db, {
    actor: ended.impersonatedBy,
    ip: auditContext(c).ip,
    action: 'user.impersonate.end',
    target: `user:${ended.userId}`,
    before: { session_id: sessionId },
    after: null,
  });
  let restored = false;
  if (p.impersonation) {
    // Back to the admin's own session when it is still alive and this browser still holds its
    // cookie (set beside the impersonation one); signed out otherwise.
    const kept = getCookie(c, cookieName(c, ADMIN_COOKIE));
    deleteCookie(c, cookieName(c, ADMIN_COOKIE), { path: '/', secure: cookieOptions(c, 0).secure });
    const proof = kept && config.SESSION_SECRET ? await readSession(config.SESSION_SECRET, kept) : null;
    const own =
      ended.impersonatorSessionId && proof?.sid === ended.impersonatorSessionId
        ? await findLiveSession(db, ended.impersonatorSessionId)
        : null;
    if (own && config.SESSION_SECRET) {
      const left = Math.floor((own.expiresAt.getTime() - Date.now()) / 1000);
      const cookie = await signSession(
        config.SESSION_SECRET,
        own.sessionId,
        Math.min(config.SESSION_COOKIE_SECONDS, left),
      );
      setCookie(c, sessionCookieName(c), cookie, cookieOptions(c, left));
      restored = true;
    } else deleteCookie(c, sessionCookieName(c), { path: '/', secure: cookieOptions(c, 0).secure });
  }
  return c.json({ data: { session_id: sessionId, ended: true, admin_session_restored: restored } });
});

usersAdmin.post('/:id/mfa/reset', async (c) => {
  const id = c.req.param('id');
  const { db, user } = await loadUser(c, id);
  const idp = identityProviderAdmin(c.get('config'));
  const result = await idp.resetMfa(user.sub);
  await audit(db, {
    ...auditContext(c),
    action: 'user.mfa_reset',
    target: `user:${id}`,
    before: null,
    after: { provider: result.provider, sub: user.sub, removed: result.removed },
  });
  return c.json({ data: { user_id: id, ...result } });
});
