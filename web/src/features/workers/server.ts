'use server';
import type { EdgeResult } from '../../lib/edge-result.ts';
import { getEdgeJson } from '../../server/edge-fetch.ts';
import type { Worker, WorkerList } from './types.ts';

/** The connected workers, read with the admin token (which stays on this server). */
export async function fetchWorkers(): Promise<EdgeResult<WorkerList>> {
  return getEdgeJson('/v1/orchestrator/workers', { auth: true, parse: parseWorkers });
}

function parseWorkers(body: unknown): WorkerList | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { data, pagination } = body as { data?: unknown; pagination?: { total?: unknown } };
  if (!Array.isArray(data)) return undefined;
  const workers = data as Worker[];
  const total = typeof pagination?.total === 'number' ? pagination.total : workers.length;
  return { workers, total };
}
