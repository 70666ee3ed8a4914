/**
 * Release signing keys: an Ed25519 key pair as a private JWK, the form the edge's
 * RELEASE_SIGNING_KEY secret takes. `npm start` keeps one in .kombify/release-signing-key.json.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

export async function makeReleaseSigningKey(): Promise<string> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
  return JSON.stringify({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d });
}

/** The key in `file`, made (mode 0600) on first use. */
export async function releaseSigningKeyFile(file: string): Promise<string> {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = await makeReleaseSigningKey();
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}
