'use server';
import type { EdgeResult } from '../../lib/edge-result.ts';
import { getEdgeJson } from '../../server/edge-fetch.ts';
import type { EdgeHealth } from './types.ts';

/** The edge's health document. No token needed; 503 still carries the document. */
export async function fetchEdgeHealth(): Promise<EdgeResult<EdgeHealth>> {
  return getEdgeJson('/health', { auth: false, accept: [200, 503], parse: parseHealth });
}

function parseHealth(body: unknown): EdgeHealth | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const health = body as Partial<EdgeHealth>;
  if (typeof health.status !== 'string') return undefined;
  return {
    status: health.status,
    version: typeof health.version === 'string' ? health.version : 'unknown',
    timestamp: typeof health.timestamp === 'string' ? health.timestamp : '',
    checks: typeof health.checks === 'object' && health.checks !== null ? health.checks : {},
  };
}
