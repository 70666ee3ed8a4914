import { query } from '@solidjs/router';
import { fetchWorkers } from './server.ts';

export type { Worker, WorkerFacts, WorkerList } from './types.ts';

/** Connected workers, read on the server. Revalidate with `getWorkers.key`. */
export const getWorkers = query(() => fetchWorkers(), 'workers');
