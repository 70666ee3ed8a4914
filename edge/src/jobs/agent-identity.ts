/**
 * Who an AgentObject serves: its agent's id, org and public key, cached in the object's storage
 * after the first lookup in Postgres, and the check of an agent's token against that key.
 */
import type { Db } from '../platform/db/client.ts';
import { ApiError } from '../platform/errors.ts';
import { agentIdFromToken, bearerToken, getAgentIdentity, verifyAgentToken } from '../workers/index.ts';
import { deleteMeta, getMeta, type JobDb, setMeta } from './job-store.ts';

export interface AgentIdentity {
  agentId: string;
  orgId: string;
  publicKeyJwk: JsonWebKey;
}

/** The first enqueue tells the object which agent and org it is for. */
export function rememberAgent(sql: JobDb, agentId: string, orgId: string): void {
  if (!getMeta(sql, 'agent_id')) {
    setMeta(sql, 'agent_id', agentId);
    setMeta(sql, 'org_id', orgId);
  }
}

/** The worker was deleted: its cached key is gone, so its next call looks it up (and finds none). */
export function forgetIdentity(sql: JobDb): void {
  for (const key of ['public_key', 'agent_id', 'org_id']) deleteMeta(sql, key);
}

export function agentIdOf(sql: JobDb): string | null {
  return getMeta(sql, 'agent_id');
}

/** The agent's identity: from the cache, else from Postgres (first call after enrollment). */
export async function loadIdentity(
  sql: JobDb,
  agentId: string,
  withDb: <T>(fn: (db: Db) => Promise<T>) => Promise<T>,
): Promise<AgentIdentity | null> {
  const cached = getMeta(sql, 'public_key');
  const known = getMeta(sql, 'agent_id');
  if (cached && known) {
    if (known !== agentId) return null;
    return { agentId, orgId: getMeta(sql, 'org_id') ?? '', publicKeyJwk: JSON.parse(cached) };
  }
  const row = await withDb((db) => getAgentIdentity(db, agentId));
  if (!row) return null;
  setMeta(sql, 'agent_id', row.id);
  setMeta(sql, 'org_id', row.orgId);
  setMeta(sql, 'public_key', JSON.stringify(row.publicKeyJwk));
  return { agentId: row.id, orgId: row.orgId, publicKeyJwk: row.publicKeyJwk };
}

/** Checks the caller's agent token (Authorization: Bearer) against the agent's key. */
export async function authenticateAgent(
  headers: Headers,
  load: (agentId: string) => Promise<AgentIdentity | null>,
): Promise<AgentIdentity> {
  const token = bearerToken(headers.get('authorization'));
  if (!token) throw new ApiError('AUTH_REQUIRED', 'agent token required (Authorization: Bearer <token>)');
  const agentId = agentIdFromToken(token);
  if (!agentId) throw new ApiError('AUTH_INVALID', 'agent token is malformed');
  const identity = await load(agentId);
  if (!identity) throw new ApiError('AUTH_INVALID', 'unknown agent: enroll this node again');
  await verifyAgentToken(token, identity.agentId, identity.publicKeyJwk);
  return identity;
}
