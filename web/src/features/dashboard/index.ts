import { edgeQuery } from '../../lib/edge-call.ts';
import { fetchDashboard } from './server.ts';

export const getDashboard = edgeQuery(() => fetchDashboard(), 'dashboard');
