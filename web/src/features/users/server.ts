'use server';
import * as api from '@kombify/proto/api';
import { edgeJson } from '../../server/edge.ts';

export async function fetchUsers(q: string) {
  const query = q ? `?q=${encodeURIComponent(q)}&per_page=50` : '?per_page=50';
  return edgeJson(`/api/v1/users${query}`, api.adminUserList);
}

export async function fetchUser(id: string) {
  return edgeJson(`/api/v1/users/${encodeURIComponent(id)}`, api.adminUser);
}

export async function saveRole(id: string, form: FormData) {
  return edgeJson(`/api/v1/users/${encodeURIComponent(id)}/roles`, api.adminUser, {
    method: 'PATCH',
    body: { org_id: String(form.get('org_id') ?? ''), role: String(form.get('role') ?? '') },
  });
}

export async function setDisabled(id: string, disabled: boolean) {
  return edgeJson(
    `/api/v1/users/${encodeURIComponent(id)}/${disabled ? 'disable' : 'enable'}`,
    api.adminUser,
    {
      body: {},
    },
  );
}

/**
 * Starts acting as the user. The edge sets the impersonation session cookie on its answer and
 * edgeJson passes it on to the browser; the cookie value in the body is for API clients and is
 * dropped here so it never reaches the page.
 */
export async function startImpersonation(id: string, orgId: string) {
  const result = await edgeJson(`/api/v1/users/${encodeURIComponent(id)}/impersonate`, api.impersonation, {
    body: orgId ? { org_id: orgId } : {},
  });
  if (!result.ok) return result;
  const { cookie: _cookie, ...rest } = result.data;
  return { ok: true as const, data: rest };
}

/** Ends the impersonation this browser is in; the edge gives the admin's own session back. */
export async function stopImpersonation() {
  return edgeJson('/api/v1/users/impersonation/end', api.impersonationEnded, { body: {} });
}

export async function resetMfa(id: string) {
  return edgeJson(`/api/v1/users/${encodeURIComponent(id)}/mfa/reset`, api.mfaReset, { body: {} });
}
