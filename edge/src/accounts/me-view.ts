import { userActivity } from '../platform/db/activity.ts';
import type { Db } from '../platform/db/client.ts';
import type { Principal } from '../platform/env.ts';

export function meView(p: Principal) {
  return {
    kind: p.kind,
    id: p.id,
    email: p.email ?? null,
    name: p.name ?? null,
    org_id: p.orgId,
    role: p.role,
    // The banner: someone from the platform is acting as this user until the session expires.
    impersonated_by: p.impersonation?.by ?? null,
    impersonation_expires_at: p.impersonation?.expiresAt.toISOString() ?? null,
  };
}

/** The caller's recent activity (an API key has none of its own). */
export async function activityView(db: Db, p: Principal) {
  if (p.kind === 'api_key') return [];
  const rows = await userActivity(db, p.orgId, p.id);
  return rows.map((r) => ({ id: r.id, kind: r.kind, message: r.message, at: r.createdAt.toISOString() }));
}
