'use server';
import * as api from '@kombify/proto/api';
import type { KitInfo } from '@kombify/stackkits';
import type { EdgeResult } from '../../lib/edge-result.ts';
import { edgeJson } from '../../server/edge.ts';

/** The StackKits catalog; its type is the stackkits package's own (`listKits()` on the edge). */
export async function fetchKits() {
  return edgeJson('/v1/stackkits', api.kitList) as Promise<EdgeResult<KitInfo[]>>;
}

/** The tools launcher: reviewed tools for everyone signed in. */
export async function fetchLauncher(q: string) {
  const query = q ? `?q=${encodeURIComponent(q)}&per_page=100` : '?per_page=100';
  return edgeJson(`/api/tools${query}`, api.toolList);
}
