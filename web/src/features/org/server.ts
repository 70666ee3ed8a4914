'use server';
import * as api from '@kombify/proto/api';
import { edgeJson } from '../../server/edge.ts';

export async function fetchMembers() {
  return edgeJson('/api/org/members', api.memberList);
}

export async function sendInvitation(form: FormData) {
  return edgeJson('/api/org/invitations', api.invitation, {
    body: { email: String(form.get('email') ?? ''), role: String(form.get('role') ?? 'member') },
  });
}

export async function changeRole(form: FormData) {
  const userId = String(form.get('user_id') ?? '');
  return edgeJson(`/api/org/members/${encodeURIComponent(userId)}`, api.roleChange, {
    method: 'PATCH',
    body: { role: String(form.get('role') ?? '') },
  });
}

export async function fetchKeys() {
  return edgeJson('/api/keys', api.apiKeyList);
}

export async function makeKey(form: FormData) {
  return edgeJson('/api/keys', api.apiKeyCreated, {
    body: { name: String(form.get('name') ?? ''), role: String(form.get('role') ?? 'member') },
  });
}

export async function dropKey(id: string) {
  return edgeJson(`/api/keys/${encodeURIComponent(id)}`, api.keyRevoked, {
    method: 'DELETE',
  });
}
