import { action, json } from '@solidjs/router';
import { edgeAction, edgeQuery } from '../../lib/edge-call.ts';
import {
  fetchUser,
  fetchUsers,
  resetMfa,
  saveRole,
  setDisabled,
  startImpersonation,
  stopImpersonation,
} from './server.ts';

export const getUsers = edgeQuery((q: string) => fetchUsers(q), 'admin-users');
export const getUser = edgeQuery((id: string) => fetchUser(id), 'admin-user');
export const changeRole = edgeAction((id: string, form: FormData) => saveRole(id, form), 'admin-user-role');
export const toggleDisabled = edgeAction(
  (id: string, disabled: boolean) => setDisabled(id, disabled),
  'admin-user-disabled',
);
export const resetUserMfa = edgeAction((id: string) => resetMfa(id), 'admin-user-mfa');
// The two below switch whose session the browser holds. Nothing is re-read afterwards (re-reading
// the admin's page as the user would only be refused); the caller reloads the page fully on
// success, so no read cached under the other identity survives.
const NO_REVALIDATION = { revalidate: 'nothing' };
export const impersonate = action(
  async (id: string, orgId: string) => json(await startImpersonation(id, orgId), NO_REVALIDATION),
  'admin-impersonate',
);
export const endImpersonation = action(
  async () => json(await stopImpersonation(), NO_REVALIDATION),
  'end-impersonation',
);
