'use server';
import * as api from '@kombify/proto/api';
import { edgeJson, publicEdgeUrl } from '../../server/edge.ts';

export async function fetchWorkers() {
  return edgeJson('/v1/orchestrator/workers?per_page=100', api.workerList);
}

export async function fetchSamples() {
  return edgeJson('/v1/orchestrator/workers/metrics?minutes=60', api.workerSamplesList);
}

/** A fresh enrollment token and the one-liner that uses it (the token is shown to this user only). */
export async function makeEnrollment() {
  const result = await edgeJson('/v1/orchestrator/enrollment-tokens', api.enrollmentTokenCreated, {
    body: { description: 'Add a node (web)', ttl_seconds: 3600 },
  });
  if (!result.ok) return result;
  const edge = publicEdgeUrl();
  return {
    ok: true as const,
    data: {
      ...result.data,
      command: `curl -fsSL ${edge}/install.sh | sh -s -- --token ${result.data.token}`,
    },
  };
}

export async function fetchEnrollment(id: string) {
  return edgeJson(`/v1/orchestrator/enrollment-tokens/${encodeURIComponent(id)}`, api.enrollmentTokenStatus);
}
