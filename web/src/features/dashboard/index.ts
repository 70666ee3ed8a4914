import { query } from '@solidjs/router';
import { fetchDashboard } from './server.ts';

export const getDashboard = query(() => fetchDashboard(), 'dashboard');
