'use server';
import * as api from '@kombify/proto/api';
import { edgeJson } from '../../server/edge.ts';
import { requireSignedIn } from '../../server/signed-in.ts';

/** The signed-in caller, or null when nobody is signed in (public pages). */
export async function fetchSession() {
  const result = await edgeJson('/api/me', api.me);
  return result.ok ? result.data : null;
}

/** The signed-in caller; a signed-out visitor is sent to sign in and brought back to `returnTo`. */
export async function fetchMe(returnTo: string) {
  return requireSignedIn(await edgeJson('/api/me', api.me), returnTo);
}

export async function fetchActivity() {
  return edgeJson('/api/me/activity', api.meActivity);
}

export async function saveProfile(form: FormData) {
  return edgeJson('/api/me', api.profile, {
    method: 'PATCH',
    body: { name: String(form.get('name') ?? '') },
  });
}

export async function fetchPreferences() {
  return edgeJson('/api/me/preferences', api.preferences);
}

export async function savePreferences(form: FormData) {
  return edgeJson('/api/me/preferences', api.preferences, {
    method: 'PUT',
    body: {
      theme: String(form.get('theme') ?? 'system'),
      refresh_seconds: Number(form.get('refresh_seconds') ?? 5),
    },
  });
}
