'use server';
import * as api from '@kombify/proto/api';
import { edgeJson } from '../../server/edge.ts';

/** The app catalog, optionally searched (`?q=`) and by category. */
export async function fetchApps(q: string, category: string) {
  const params = new URLSearchParams();
  if (q) params.set('q', q);
  if (category) params.set('category', category);
  const query = params.size > 0 ? `?${params}` : '';
  return edgeJson(`/v1/stackkits/apps${query}`, api.appList);
}

/** docker-compose text → a kombination.yaml with the importer's warnings (nothing is stored). */
export async function importComposeText(compose: string, env: string) {
  return edgeJson('/v1/stackkits/import', api.composeImport, {
    body: { compose, ...(env.trim() ? { env } : {}) },
    timeoutMs: 20_000,
  });
}

/** A catalog app into a stack's current spec, as a new version; the answer has its secrets once. */
export async function addAppTo(stackId: string, app: string) {
  return edgeJson(`/v1/orchestrator/stacks/${encodeURIComponent(stackId)}/apps`, api.addedApp, {
    body: { app },
  });
}

/** The org's stacks an app can be added to (names only: no per-stack details). */
export async function fetchStackChoices() {
  return edgeJson('/v1/orchestrator/stacks?per_page=100', api.stackList);
}
