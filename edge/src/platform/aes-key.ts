/**
 * An AES-256-GCM key derived with HKDF-SHA-256 from a configured secret (a Worker secret such as
 * TOFU_STATE_ENCRYPTION_KEY or SECRETS_MASTER_KEY). `salt` names the purpose and its version,
 * `info` what the key is for within it, so one secret never yields the same key twice over.
 */
const utf8 = (s: string) => new TextEncoder().encode(s);

export async function hkdfAesKey(secret: string, salt: string, info: string): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', utf8(secret), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: utf8(salt), info: utf8(info) },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}
