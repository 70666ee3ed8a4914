/** Ids are a type prefix plus 128 random bits in base32 (lower case), e.g. `job_0f3k…`. */
import { base64url as b64url } from 'jose';

const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';

export function randomId(prefix: string, bytes = 16): string {
  const data = crypto.getRandomValues(new Uint8Array(bytes));
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of data) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(buffer << (5 - bits)) & 31];
  return `${prefix}_${out}`;
}

/** A secret token: prefix plus 256 random bits, base64url. */
export function randomSecret(prefix: string): string {
  const data = crypto.getRandomValues(new Uint8Array(32));
  return `${prefix}_${base64url(data)}`;
}

/** Unpadded base64url (RFC 4648 §5), jose's. */
export const base64url = (data: Uint8Array): string => b64url.encode(data);
export const fromBase64url = (text: string): Uint8Array => b64url.decode(text);

const encoder = new TextEncoder();
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/**
 * Hex SHA-256, how secrets (API keys, enrollment tokens) are stored at rest. On every API-key
 * request, so the hex is built from a table rather than a string per byte.
 */
export async function sha256Hex(value: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(value)));
  let out = '';
  for (const byte of digest) out += HEX[byte];
  return out;
}
