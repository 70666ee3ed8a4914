import { action, query } from '@solidjs/router';
import { changeRole, dropKey, fetchKeys, fetchMembers, makeKey, sendInvitation } from './server.ts';

export const getMembers = query(() => fetchMembers(), 'members');
export const inviteMember = action((form: FormData) => sendInvitation(form), 'invite-member');
export const setRole = action((form: FormData) => changeRole(form), 'set-role');
export const getKeys = query(() => fetchKeys(), 'api-keys');
export const createKey = action((form: FormData) => makeKey(form), 'create-key');
export const revokeKey = action((id: string) => dropKey(id), 'revoke-key');
