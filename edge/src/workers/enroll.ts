import type { MessageInitShape } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import type { EnrollRequest, EnrollResponseSchema } from '@kombify/proto/agent/v1';
import { factsRecord } from '../jobs/index.ts';
import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/db/client.ts';
import { randomId, sha256Hex } from '../platform/ids.ts';
import { AGENT_TOKEN_AUDIENCE, publicEcJwk } from './agent-token.ts';
import { nodeRoom } from './enrollment-service.ts';
import { enrollAgent, findEnrollmentToken } from './store.ts';

const ENROLLMENT_TOKEN = /^kfe_[A-Za-z0-9_-]{43}$/;
/** A worker's name: what enroll accepts and the installer's --name passes on. */
export const WORKER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * Trades a one-time enrollment token for an agent identity bound to the agent's public key.
 * Every refusal says why, so the person at the node's shell knows what to do next.
 */
export async function enroll(
  req: EnrollRequest,
  db: Db,
  config: Config,
): Promise<MessageInitShape<typeof EnrollResponseSchema>> {
  if (!ENROLLMENT_TOKEN.test(req.enrollmentToken)) {
    throw new ConnectError('enrollment token is malformed (expected kfe_…)', Code.Unauthenticated);
  }
  let jwk: JsonWebKey | null = null;
  try {
    jwk = publicEcJwk(JSON.parse(req.publicKeyJwk));
  } catch {
    jwk = null;
  }
  if (!jwk) throw new ConnectError('public_key_jwk must be a public P-256 (ES256) JWK', Code.InvalidArgument);
  const name = req.name || req.facts?.hostname || '';
  if (!WORKER_NAME.test(name)) {
    throw new ConnectError(
      'name must be 1-63 characters: letters, digits, ".", "_" or "-"',
      Code.InvalidArgument,
    );
  }

  const token = await findEnrollmentToken(db, await sha256Hex(req.enrollmentToken));
  if (!token) throw new ConnectError('enrollment token not recognised', Code.Unauthenticated);
  if (token.usedAt) {
    throw new ConnectError(
      `enrollment token was already used at ${token.usedAt.toISOString()}; create a new one`,
      Code.Unauthenticated,
    );
  }
  if (token.expiresAt.getTime() <= Date.now()) {
    throw new ConnectError(
      `enrollment token expired at ${token.expiresAt.toISOString()}; create a new one`,
      Code.Unauthenticated,
    );
  }
  // The org's plan bounds its nodes; the claim below re-checks it atomically (two racing enrolls).
  // A KombiSim node's agent is a simulated worker: not one of the org's nodes for the plan.
  const room = await nodeRoom(db, token.orgId);
  if (room.full && !token.simulationId) throw new ConnectError(room.message, Code.ResourceExhausted);
  const agentId = randomId('agt');
  const enrolled = await enrollAgent(db, {
    maxAgents: room.max,
    tokenId: token.id,
    agentId,
    name,
    publicKeyJwk: jwk,
    facts: factsRecord(req.facts),
    agentVersion: req.facts?.agentVersion ?? '',
  });
  if (!enrolled) {
    throw new ConnectError(
      'enrollment token was used or expired a moment ago, or the node limit was just reached; check and retry',
      Code.Unauthenticated,
    );
  }
  return {
    agentId: enrolled.id,
    orgId: enrolled.orgId,
    name,
    audience: AGENT_TOKEN_AUDIENCE,
    heartbeatIntervalSeconds: config.AGENT_HEARTBEAT_SECONDS,
  };
}
