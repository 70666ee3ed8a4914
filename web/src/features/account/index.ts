import { action, query } from '@solidjs/router';
import {
  fetchActivity,
  fetchMe,
  fetchPreferences,
  fetchSession,
  savePreferences,
  saveProfile,
} from './server.ts';

export const getSession = query(() => fetchSession(), 'session');
export const getMe = query((returnTo: string) => fetchMe(returnTo), 'me');
export const getActivity = query(() => fetchActivity(), 'activity');
export const getPreferences = query(() => fetchPreferences(), 'preferences');
export const updateProfile = action((form: FormData) => saveProfile(form), 'update-profile');
export const updatePreferences = action((form: FormData) => savePreferences(form), 'update-preferences');
