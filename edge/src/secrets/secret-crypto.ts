/**
 * Envelope encryption of org secrets (AES-256-GCM, Web Crypto). Each org has a random 256-bit data
 * key, stored wrapped by the master key (SECRETS_MASTER_KEY, through HKDF-SHA-256) with the org id
 * as AAD. Each value is encrypted with the org's data key, AAD = org id + NUL + path, so a
 * ciphertext copied to another org or path does not decrypt. A data key records the fingerprint
 * of the master key that wrapped it: after a rotation, one wrapped by SECRETS_MASTER_KEY_PREVIOUS
 * is opened with it and rewrapped with the current key; values are never re-entered.
 * Same pattern as tofu-state/state-crypto.ts.
 */
import { hkdfAesKey } from '../platform/aes-key.ts';
import { fromBase64url as fromB64, sha256Hex, base64url as toB64 } from '../platform/ids.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

const wrappingKey = (master: string) => hkdfAesKey(master, 'kombify secrets v1', 'data-key wrap');

/** A short public fingerprint of a master key (never the key), to tell which one wrapped a data key. */
export async function masterKeyId(master: string): Promise<string> {
  return (await sha256Hex(`kombify secrets master key id\0${master}`)).slice(0, 16);
}

export interface WrappedKey {
  masterKeyId: string;
  iv: string;
  wrapped: string;
}

/** A fresh random 256-bit data key, wrapped by `master` for `orgId`. */
export async function newDataKey(
  master: string,
  orgId: string,
): Promise<{ raw: Uint8Array; wrapped: WrappedKey }> {
  const raw = crypto.getRandomValues(new Uint8Array(32));
  return { raw, wrapped: await wrapDataKey(master, orgId, raw) };
}

export async function wrapDataKey(master: string, orgId: string, raw: Uint8Array): Promise<WrappedKey> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: utf8(`data-key\0${orgId}`) },
    await wrappingKey(master),
    raw,
  );
  return { masterKeyId: await masterKeyId(master), iv: toB64(iv), wrapped: toB64(new Uint8Array(ct)) };
}

/**
 * Opens a wrapped data key with whichever of `masters` (current first, then previous) wrapped it.
 * `stale` is true when it was not the first: the caller rewraps it with the current key.
 */
export async function unwrapDataKey(
  masters: string[],
  orgId: string,
  wrapped: WrappedKey,
): Promise<{ raw: Uint8Array; stale: boolean }> {
  for (const [i, master] of masters.entries()) {
    if ((await masterKeyId(master)) !== wrapped.masterKeyId) continue;
    const raw = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromB64(wrapped.iv), additionalData: utf8(`data-key\0${orgId}`) },
      await wrappingKey(master),
      fromB64(wrapped.wrapped),
    );
    return { raw: new Uint8Array(raw), stale: i > 0 };
  }
  throw new Error(
    `no configured master key matches the one this data key was wrapped with (key id ${wrapped.masterKeyId})`,
  );
}

const valueKey = (raw: Uint8Array) =>
  crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
const valueAad = (orgId: string, path: string) => utf8(`secret\0${orgId}\0${path}`);

export async function sealValue(
  dataKey: Uint8Array,
  orgId: string,
  path: string,
  value: string,
): Promise<{ iv: string; ciphertext: string }> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: valueAad(orgId, path) },
    await valueKey(dataKey),
    utf8(value),
  );
  return { iv: toB64(iv), ciphertext: toB64(new Uint8Array(ct)) };
}

/** Throws when the key, org, path or ciphertext do not match (GCM authentication). */
export async function openValue(
  dataKey: Uint8Array,
  orgId: string,
  path: string,
  sealed: { iv: string; ciphertext: string },
): Promise<string> {
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: fromB64(sealed.iv), additionalData: valueAad(orgId, path) },
    await valueKey(dataKey),
    fromB64(sealed.ciphertext),
  );
  return new TextDecoder().decode(plain);
}
