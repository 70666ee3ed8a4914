'use server';
import * as api from '@kombify/proto/api';
import { edgeJson } from '../../server/edge.ts';
import { requireSignedIn } from '../../server/signed-in.ts';

/** The whole dashboard in one edge request (`GET /api/dashboard`). */
export async function fetchDashboard() {
  return requireSignedIn(await edgeJson('/api/dashboard', api.dashboard), '/dashboard');
}
