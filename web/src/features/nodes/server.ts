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

export async function fetchWorker(id: string) {
  return edgeJson(`/v1/orchestrator/workers/${encodeURIComponent(id)}`, api.worker);
}

// The web server gives the edge 8 s; the worker is asked for 6 of them.
const containersOf = (id: string) => `/v1/orchestrator/workers/${encodeURIComponent(id)}/containers`;

export async function fetchContainers(id: string) {
  return edgeJson(`${containersOf(id)}?wait_seconds=6`, api.containerList);
}

export async function fetchContainerLogs(id: string, name: string, tail: number) {
  const path = `${containersOf(id)}/${encodeURIComponent(name)}/logs?tail=${tail}&wait_seconds=6`;
  return edgeJson(path, api.containerLogs);
}

export async function runContainerAction(id: string, name: string, action: 'start' | 'stop' | 'restart') {
  const path = `${containersOf(id)}/${encodeURIComponent(name)}/${action}?wait_seconds=6`;
  return edgeJson(path, api.containerActionResult, { method: 'POST' });
}
