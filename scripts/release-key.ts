/**
 * `npm run --silent release:key`: prints a new release signing key (Ed25519 private JWK) on
 * stdout, for the edge's RELEASE_SIGNING_KEY secret, and its public key (PEM) on stderr:
 *
 *   npm run --silent release:key | npx wrangler secret put RELEASE_SIGNING_KEY
 *
 * Installers trust the key of the edge that served them, so a new key only affects downloads
 * started after it is deployed.
 */
import { releaseSigner } from '../edge/src/releases/signing-key.ts';
import { makeReleaseSigningKey } from './lib/release-key.ts';

const key = await makeReleaseSigningKey();
process.stdout.write(`${key}\n`);
process.stderr.write(
  `public key (baked into /install.sh by the edge):\n${(await releaseSigner(key)).publicKeyPem}\n`,
);
