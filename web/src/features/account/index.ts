import { query } from '@solidjs/router';
import { edgeAction, edgeQuery } from '../../lib/edge-call.ts';
import {
  fetchActivity,
  fetchMe,
  fetchPreferences,
  fetchSession,
  savePreferences,
  saveProfile,
} from './server.ts';

/** Data or null, not an EdgeResult: public pages only ask whether someone is signed in. */
export const getSession = query(() => fetchSession(), 'session');
export const getMe = edgeQuery((returnTo: string) => fetchMe(returnTo), 'me');
export const getActivity = edgeQuery(() => fetchActivity(), 'activity');
export const getPreferences = edgeQuery(() => fetchPreferences(), 'preferences');
export const updateProfile = edgeAction((form: FormData) => saveProfile(form), 'update-profile');
export const updatePreferences = edgeAction((form: FormData) => savePreferences(form), 'update-preferences');
