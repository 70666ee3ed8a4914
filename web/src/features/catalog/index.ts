import { edgeQuery } from '../../lib/edge-call.ts';
import { fetchKits, fetchLauncher } from './server.ts';

export const getKits = edgeQuery(() => fetchKits(), 'stackkits');
export const getLauncher = edgeQuery((q: string) => fetchLauncher(q), 'launcher');
