/**
 * `GET /api/internal/users/{sub}` (CONTRACTS.md): what other services need to know about a user
 * in one call — profile, orgs with roles and plans, the user's best plan, and their flags.
 */
import { Hono } from 'hono';
import { gate, platformAdmin } from '../accounts/index.ts';
import { effectivePlan, type PlanName } from '../billing/index.ts';
import type { AppEnv } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { evaluateFlags } from './flag-evaluate.ts';
import { listFlags } from './flags-store.ts';
import { getUserBySub, membershipsOf } from './users-store.ts';

export const usersInternal = new Hono<AppEnv>();
usersInternal.use(gate(platformAdmin, 'admin'));

const planOrder: PlanName[] = ['free', 'pro', 'enterprise'];

usersInternal.get('/:sub', async (c) => {
  const sub = c.req.param('sub');
  const db = c.get('db')();
  const user = await getUserBySub(db, sub, c.get('config').OIDC_ISSUER);
  if (!user) throw new ApiError('NOT_FOUND', `user ${sub} not found`);
  const memberships = (await membershipsOf(db, [user.id])).get(user.id) ?? [];
  const orgs = memberships.map((m) => ({
    orgId: m.orgId,
    name: m.orgName,
    role: m.role,
    plan: effectivePlan(m),
    subscribedPlan: m.plan,
    subscriptionStatus: m.status,
  }));
  // Flags for the org asked about (?org=), else the user's first org.
  const asked = c.req.query('org');
  if (asked && !orgs.some((o) => o.orgId === asked))
    throw new ApiError('NOT_FOUND', `user ${sub} is not a member of org ${asked}`);
  const orgId = asked ?? orgs[0]?.orgId ?? null;
  const { flags, updatedAt } = evaluateFlags(await listFlags(db), { sub, orgId });
  return c.json({
    sub,
    userId: user.id,
    email: user.email,
    name: user.name,
    disabled: user.disabledAt !== null,
    orgId,
    orgs,
    roles: [...new Set(orgs.map((o) => o.role))],
    plan: orgs.reduce<PlanName>(
      (best, o) => (planOrder.indexOf(o.plan) > planOrder.indexOf(best) ? o.plan : best),
      'free',
    ),
    flags,
    updatedAt: updatedAt?.toISOString() ?? null,
  });
});
