'use server';
import * as api from '@kombify/proto/api';
import { edgeJson } from '../../server/edge.ts';

export async function fetchCatalog(q: string) {
  const query = q ? `?q=${encodeURIComponent(q)}&per_page=100` : '?per_page=100';
  return edgeJson(`/api/v1/tools${query}`, api.toolList);
}

export async function fetchFlags() {
  return edgeJson('/api/v1/feature-flags', api.featureFlagList);
}

export async function makeFlag(form: FormData) {
  return edgeJson('/api/v1/feature-flags', api.featureFlag, {
    body: {
      key: String(form.get('key') ?? ''),
      description: String(form.get('description') ?? ''),
      enabled: form.get('enabled') === 'on',
      rollout_percent: Number(form.get('rollout_percent') ?? 100),
    },
  });
}

export async function flipFlag(key: string, enabled: boolean) {
  return edgeJson(`/api/v1/feature-flags/${encodeURIComponent(key)}`, api.featureFlag, {
    method: 'PATCH',
    body: { enabled },
  });
}

export async function fetchAudit() {
  return edgeJson('/api/v1/audit-log', api.auditList);
}
