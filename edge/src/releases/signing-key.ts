/**
 * The key the edge signs agent release manifests with: an Ed25519 private JWK in the Worker secret
 * RELEASE_SIGNING_KEY. The installer carries the matching public key (printed into /install.sh by
 * the edge that serves it) and checks the signature with `openssl pkeyutl -verify -rawin`.
 */
import { base64url } from 'jose';
import { ApiError } from '../platform/errors.ts';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4); the 32-byte key follows. */
const SPKI_ED25519_PREFIX = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
const B64URL_32_BYTES = /^[A-Za-z0-9_-]{43}$/;

export interface ReleaseSigner {
  /** Ed25519 signature over the exact bytes, base64 (what `openssl base64 -d` reads). */
  sign(data: Uint8Array<ArrayBuffer>): Promise<string>;
  /** The public key as PEM (SPKI), for openssl. */
  publicKeyPem: string;
}

export function toBase64(data: Uint8Array): string {
  let s = '';
  for (const b of data) s += String.fromCharCode(b);
  return btoa(s);
}

/** PEM of an Ed25519 public key given as the JWK `x` (base64url, 32 bytes). */
export function ed25519PublicPem(x: string): string {
  const der = new Uint8Array([...SPKI_ED25519_PREFIX, ...base64url.decode(x)]);
  const body = toBase64(der).replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN PUBLIC KEY-----\n${body}-----END PUBLIC KEY-----`;
}

function notConfigured(reason: string, cause?: unknown): ApiError {
  return new ApiError(
    'SERVICE_UNAVAILABLE',
    `agent releases are not available: ${reason} (the RELEASE_SIGNING_KEY secret)`,
    { cause },
  );
}

/** Reads the secret; every way it can be wrong is a 503 that names the secret, never its value. */
export async function releaseSigner(secret: string | undefined): Promise<ReleaseSigner> {
  if (!secret) throw notConfigured('no release signing key is configured');
  let jwk: JsonWebKey;
  try {
    jwk = JSON.parse(secret) as JsonWebKey;
  } catch (error) {
    throw notConfigured('the release signing key is not JSON', error);
  }
  if (
    jwk.kty !== 'OKP' ||
    jwk.crv !== 'Ed25519' ||
    typeof jwk.d !== 'string' ||
    typeof jwk.x !== 'string' ||
    !B64URL_32_BYTES.test(jwk.d) ||
    !B64URL_32_BYTES.test(jwk.x)
  ) {
    throw notConfigured('the release signing key is not a private Ed25519 JWK');
  }
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey(
      'jwk',
      { kty: 'OKP', crv: 'Ed25519', d: jwk.d, x: jwk.x },
      { name: 'Ed25519' },
      false,
      ['sign'],
    );
  } catch (error) {
    throw notConfigured('the release signing key could not be imported', error);
  }
  return {
    publicKeyPem: ed25519PublicPem(jwk.x),
    async sign(data) {
      return toBase64(new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, key, data)));
    },
  };
}
