import type { UserMembership, UserRow } from './users-store.ts';

export function membershipView(m: UserMembership) {
  return { org_id: m.orgId, org_name: m.orgName, role: m.role, plan: m.plan, status: m.status };
}

export function userView(u: UserRow, orgs: UserMembership[]) {
  return {
    id: u.id,
    sub: u.sub,
    issuer: u.issuer,
    email: u.email,
    name: u.name,
    disabled: u.disabledAt !== null,
    disabled_at: u.disabledAt?.toISOString() ?? null,
    created_at: u.createdAt.toISOString(),
    last_sign_in_at: u.lastSignInAt?.toISOString() ?? null,
    orgs: orgs.map(membershipView),
  };
}
