/**
 * Encryption of OpenTofu state at rest: AES-256-GCM (Web Crypto) with a key per stack, derived
 * with HKDF-SHA-256 from TOFU_STATE_ENCRYPTION_KEY and the stack id. The stack id is also the
 * additional authenticated data, so a ciphertext copied into another stack does not decrypt.
 * Each version records which key made it (`keyId`, a fingerprint, never the key): after a key
 * rotation, versions under the old key are read with TOFU_STATE_ENCRYPTION_KEY_PREVIOUS.
 */
import { hkdfAesKey } from '../platform/aes-key.ts';
import { sha256Hex } from '../platform/ids.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

function stackKey(secret: string, stackId: string): Promise<CryptoKey> {
  return hkdfAesKey(secret, 'kombify tofu-state v1', stackId);
}

/** A short public fingerprint of a key, to tell which key a stored version needs. */
export async function keyFingerprint(secret: string): Promise<string> {
  return (await sha256Hex(`kombify tofu-state key id\0${secret}`)).slice(0, 16);
}

export interface Sealed {
  keyId: string;
  iv: Uint8Array;
  ciphertext: Uint8Array;
}

export async function sealState(secret: string, stackId: string, plaintext: Uint8Array): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: utf8(stackId) },
    await stackKey(secret, stackId),
    plaintext,
  );
  return { keyId: await keyFingerprint(secret), iv, ciphertext: new Uint8Array(ciphertext) };
}

/** Decrypts with whichever of `secrets` made the version; throws when none did or it was altered. */
export async function openState(
  secrets: string[],
  stackId: string,
  sealed: { keyId: string; iv: Uint8Array; ciphertext: Uint8Array },
): Promise<Uint8Array> {
  for (const secret of secrets) {
    if ((await keyFingerprint(secret)) !== sealed.keyId) continue;
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: sealed.iv, additionalData: utf8(stackId) },
      await stackKey(secret, stackId),
      sealed.ciphertext,
    );
    return new Uint8Array(plain);
  }
  throw new Error(`no configured key matches the one this state was encrypted with (key id ${sealed.keyId})`);
}
