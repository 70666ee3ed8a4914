/** Ids are a type prefix plus at least 128 random bits in base32 letters (lower case), e.g. `job_0f3k…`. */
import { base64url as b64url } from 'jose';

const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';

export function randomId(prefix: string, bytes = 16): string {
  // One random byte per character, its low 5 bits (256 is a multiple of 32, so each of the 32
  // letters is equally likely): as many characters, and at least as many random bits, as the
  // base32 of `bytes` bytes, without the bit shuffling (a request id is made on every request).
  const data = crypto.getRandomValues(new Uint8Array(Math.ceil((bytes * 8) / 5)));
  let out = `${prefix}_`;
  for (const byte of data) out += alphabet[byte & 31];
  return out;
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
