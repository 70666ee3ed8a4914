/**
 * The Worker's side of the state backend: checks a pushed state (size, Content-MD5, that it is an
 * OpenTofu state with serial and lineage), encrypts it and hands the ciphertext to the stack's
 * object; reads decrypt it again. Plaintext state never reaches storage.
 */
import type { Config } from '../platform/config.ts';
import type { Env } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import type { Result } from '../platform/result.ts';
import { openState, sealState } from './state-crypto.ts';
import { tofuStateObject } from './state-object.ts';
import { CHUNK_BYTES } from './state-store.ts';

function encryptionKeys(config: Config): { current: string; all: string[] } {
  if (!config.TOFU_STATE_ENCRYPTION_KEY) {
    throw new ApiError(
      'SERVICE_UNAVAILABLE',
      'OpenTofu state storage is not configured (TOFU_STATE_ENCRYPTION_KEY)',
    );
  }
  const all = [config.TOFU_STATE_ENCRYPTION_KEY];
  if (config.TOFU_STATE_ENCRYPTION_KEY_PREVIOUS) all.push(config.TOFU_STATE_ENCRYPTION_KEY_PREVIOUS);
  return { current: config.TOFU_STATE_ENCRYPTION_KEY, all };
}

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function concat(parts: ArrayBuffer[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), at);
    at += p.byteLength;
  }
  return out;
}

/** The current state's plaintext, or null when the stack has none. */
export async function readState(env: Env, config: Config, stackId: string): Promise<Uint8Array | null> {
  const keys = encryptionKeys(config);
  const stored = await tofuStateObject(env, stackId).tofuState();
  if (!stored) return null;
  let plain: Uint8Array;
  try {
    plain = await openState(keys.all, stackId, {
      keyId: stored.keyId,
      iv: new Uint8Array(stored.iv),
      ciphertext: concat(stored.chunks),
    });
  } catch (cause) {
    throw new ApiError('INTERNAL_ERROR', 'the stored state could not be decrypted', { cause });
  }
  if (hex(await crypto.subtle.digest('SHA-256', plain)) !== stored.sha256) {
    throw new ApiError('INTERNAL_ERROR', 'the stored state does not match its checksum');
  }
  return plain;
}

/** serial and lineage of an OpenTofu state file, or a 400 naming what is wrong. */
export function stateMeta(body: Uint8Array): { serial: number; lineage: string } {
  let state: unknown;
  try {
    state = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body));
  } catch {
    throw new ApiError('VALIDATION_FAILED', 'state must be a JSON document (an OpenTofu state file)');
  }
  const s = (state && typeof state === 'object' ? state : {}) as Record<string, unknown>;
  const details = [];
  if (!Number.isSafeInteger(s.serial) || (s.serial as number) < 0) {
    details.push({ path: 'serial', code: 'invalid_type', message: 'must be a non-negative integer' });
  }
  if (typeof s.lineage !== 'string' || s.lineage.length === 0 || s.lineage.length > 256) {
    details.push({ path: 'lineage', code: 'invalid_type', message: 'must be a string of 1-256 characters' });
  }
  if (typeof s.version !== 'number') {
    details.push({ path: 'version', code: 'invalid_type', message: 'must be the state format version' });
  }
  if (details.length > 0) {
    throw new ApiError('VALIDATION_FAILED', 'not an OpenTofu state file', { details });
  }
  return { serial: s.serial as number, lineage: s.lineage as string };
}

/** Content-MD5 (RFC 1864), which OpenTofu sends with every push: a mismatch means a damaged body. */
export async function checkContentMd5(body: Uint8Array, header: string | undefined): Promise<void> {
  if (!header) return;
  // MD5 is not in Web Crypto's standard set; workerd has it for exactly this kind of check.
  const digest = new Uint8Array(await crypto.subtle.digest('MD5', body));
  let s = '';
  for (const b of digest) s += String.fromCharCode(b);
  if (btoa(s) !== header.trim()) {
    throw new ApiError(
      'VALIDATION_FAILED',
      'Content-MD5 does not match the body; the state was damaged on the way',
    );
  }
}

export async function writeState(
  env: Env,
  config: Config,
  input: { stackId: string; body: Uint8Array; lockId: string | null; by: string },
): Promise<Result<{ version: number; unchanged: boolean }, 'CONFLICT'>> {
  const keys = encryptionKeys(config);
  const meta = stateMeta(input.body);
  const sha256 = hex(await crypto.subtle.digest('SHA-256', input.body));
  const sealed = await sealState(keys.current, input.stackId, input.body);
  const chunks: ArrayBuffer[] = [];
  for (let at = 0; at < sealed.ciphertext.byteLength; at += CHUNK_BYTES) {
    chunks.push(sealed.ciphertext.slice(at, at + CHUNK_BYTES).buffer);
  }
  return tofuStateObject(env, input.stackId).tofuPutState({
    ...meta,
    sha256,
    size: input.body.byteLength,
    keyId: sealed.keyId,
    iv: sealed.iv.slice().buffer,
    chunks,
    lockId: input.lockId,
    by: input.by,
    keep: config.TOFU_STATE_VERSIONS_KEPT,
  });
}
