import { edgeAction, edgeQuery } from '../../lib/edge-call.ts';
import { changeRole, dropKey, fetchKeys, fetchMembers, makeKey, sendInvitation } from './server.ts';

export const getMembers = edgeQuery(() => fetchMembers(), 'members');
export const inviteMember = edgeAction((form: FormData) => sendInvitation(form), 'invite-member');
export const setRole = edgeAction((form: FormData) => changeRole(form), 'set-role');
export const getKeys = edgeQuery(() => fetchKeys(), 'api-keys');
export const createKey = edgeAction((form: FormData) => makeKey(form), 'create-key');
export const revokeKey = edgeAction((id: string) => dropKey(id), 'revoke-key');
