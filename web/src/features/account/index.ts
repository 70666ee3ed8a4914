import { edgeAction, edgeQuery } from '../../lib/edge-call.ts';
import { fetchActivity, fetchMe, fetchPreferences, savePreferences, saveProfile } from './server.ts';

export const getMe = edgeQuery((returnTo: string) => fetchMe(returnTo), 'me');
export const getActivity = edgeQuery(() => fetchActivity(), 'activity');
export const getPreferences = edgeQuery(() => fetchPreferences(), 'preferences');
export const updateProfile = edgeAction((form: FormData) => saveProfile(form), 'update-profile');
export const updatePreferences = edgeAction((form: FormData) => savePreferences(form), 'update-preferences');
