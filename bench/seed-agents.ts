/**
 * Enrolls many simulated agents cheaply: key pairs made here and the `agents` rows written straight
 * into the database in a few multi-row inserts, instead of one enrollment-token and Enroll round
 * trip each (which is what the dispatch benchmark measures, not this one). The agents then dial in
 * like enrolled ones: their first token is checked against the public key stored here.
 */

import type { Identity } from '../agent/src/identity.ts';
import { makeKeyPair } from '../agent/src/identity.ts';
import { openDb } from '../edge/src/platform/db/client.ts';
import { agents } from '../edge/src/platform/db/schema.ts';
import { randomId } from '../edge/src/platform/ids.ts';
import { AGENT_TOKEN_AUDIENCE } from '../edge/src/workers/agent-token.ts';
import { useNodeWebSocket } from '../scripts/lib/migrate.ts';
import type { Stack } from '../test/harness/stack.ts';

export async function seedAgents(stack: Stack, names: readonly string[]): Promise<Identity[]> {
  const identities: Identity[] = [];
  for (const name of names) {
    const { privateJwk, publicJwk } = await makeKeyPair();
    identities.push({
      agent_id: randomId('agt'),
      org_id: stack.orgId,
      name,
      edge_url: stack.edgeUrl,
      audience: AGENT_TOKEN_AUDIENCE,
      heartbeat_interval_seconds: 30,
      private_key_jwk: privateJwk,
      public_key_jwk: publicJwk,
      enrolled_at: new Date().toISOString(),
    });
  }
  useNodeWebSocket();
  const { db, close } = openDb(stack.db.config);
  try {
    for (let i = 0; i < identities.length; i += 200) {
      await db.insert(agents).values(
        identities.slice(i, i + 200).map((id) => ({
          id: id.agent_id,
          orgId: id.org_id,
          name: id.name,
          publicKeyJwk: id.public_key_jwk as JsonWebKey,
          agentVersion: '0.1.0',
        })),
      );
    }
  } finally {
    await close();
  }
  return identities;
}
