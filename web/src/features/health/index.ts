import { query } from '@solidjs/router';
import { fetchEdgeHealth } from './server.ts';

export type { EdgeHealth, HealthStatus } from './types.ts';

/** Edge health, read on the server. Revalidate with `getHealth.key`. */
export const getHealth = query(() => fetchEdgeHealth(), 'edge-health');
