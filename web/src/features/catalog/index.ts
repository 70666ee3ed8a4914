import { query } from '@solidjs/router';
import { fetchKits, fetchLauncher } from './server.ts';

export const getKits = query(() => fetchKits(), 'stackkits');
export const getLauncher = query((q: string) => fetchLauncher(q), 'launcher');
