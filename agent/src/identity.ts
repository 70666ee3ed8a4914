/**
 * The agent's identity: its id, org, edge and the ES256 key pair it made at enrollment. Stored in
 * `<data dir>/identity.json` with mode 0600 (the private key never leaves the node).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { writeFileAtomic } from './files.ts';

export interface Identity {
  agent_id: string;
  org_id: string;
  name: string;
  edge_url: string;
  audience: string;
  heartbeat_interval_seconds: number;
  private_key_jwk: JWK;
  public_key_jwk: JWK;
  enrolled_at: string;
}

export function identityPath(dataDir: string): string {
  return join(dataDir, 'identity.json');
}

export function loadIdentity(dataDir: string): Identity | null {
  const path = identityPath(dataDir);
  if (!existsSync(path)) return null;
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077) {
    throw new Error(`${path} is readable by other users (mode ${mode.toString(8)}); run: chmod 600 ${path}`);
  }
  return JSON.parse(readFileSync(path, 'utf8')) as Identity;
}

export function saveIdentity(dataDir: string, identity: Identity): void {
  writeFileAtomic(identityPath(dataDir), `${JSON.stringify(identity, null, 2)}\n`, 0o600);
}

export async function makeKeyPair(): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
}
