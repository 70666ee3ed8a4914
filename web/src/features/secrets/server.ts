'use server';
import * as api from '@kombify/proto/api';
import { edgeJson } from '../../server/edge.ts';
import { type SecretChange, secretRequest } from './secret-request.ts';

/** The org's secrets: metadata only, the edge never answers with a value. */
export async function fetchSecrets() {
  return edgeJson('/v1/orchestrator/secrets', api.secretMetaList);
}

/** Which stacks' current specs use which paths (paths the store lacks among them). */
export async function fetchSecretUsage() {
  return edgeJson('/v1/orchestrator/secret-usage', api.secretUsageList);
}

/** Stores, generates or deletes one secret; a path the edge would refuse is refused here unsent. */
export async function sendSecretChange(change: SecretChange) {
  const request = secretRequest(change);
  if (!request.ok) return request;
  const { path, method, body } = request.call;
  return edgeJson(path, api.secretMeta, { method, ...(body === undefined ? {} : { body }) });
}
