/**
 * The secret store's operations as plain functions: the REST routes (routes.ts) and the
 * ConnectRPC SecretService (connect.ts) both call these, so validation, roles and audit rows are
 * one implementation behind both. Members read metadata; only operators write. No function
 * returns a value: values are only readable by the agent a stack.converge job is leased to
 * (AgentService.FetchJobSecrets). Every change is audited with the path and version, never the
 * value.
 */
import { secretPath } from '@kombify/proto/jobs';
import { rolesFrom } from '@kombify/proto/roles';
import { z } from 'zod';
import { operatorRoles } from '../accounts/index.ts';
import type { Config } from '../platform/config.ts';
import { audit } from '../platform/db/audit.ts';
import type { Db } from '../platform/db/client.ts';
import type { Principal } from '../platform/env.ts';
import { ApiError } from '../platform/errors.ts';
import { checkBody } from '../platform/validate.ts';
import {
  deleteSecret,
  getSecretMeta,
  listSecrets,
  putSecret,
  requireMasterKey,
  type SecretMeta,
} from './store.ts';

/** Who is calling and with what: one request's view of the store. */
export interface SecretContext {
  db: Db;
  config: Config;
  principal: Principal;
  /** The caller's address for the audit log. */
  ip: string | null;
}

/** The largest value stored (UTF-8 bytes). */
export const MAX_SECRET_BYTES = 64 * 1024;

/** Who may read metadata (the REST GETs and Connect's GetSecret/ListSecrets). */
export const secretReaders = rolesFrom('member');

export const putBody = z
  .object({
    value: z
      .string()
      .min(1, 'must not be empty')
      .refine(
        (v) => new TextEncoder().encode(v).length <= MAX_SECRET_BYTES,
        `must be at most ${MAX_SECRET_BYTES} bytes`,
      ),
  })
  .strict();

const DEFAULT_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const generateBody = z
  .object({
    length: z.number().int().min(8).max(1024).default(32),
    alphabet: z.string().min(2).max(256).default(DEFAULT_ALPHABET),
  })
  .strict();

/** A uniformly random string from `alphabet` (rejection sampling, so no modulo bias). */
export function randomString(length: number, alphabet: string): string {
  const chars = [...new Set(alphabet)];
  const limit = 256 - (256 % chars.length);
  let out = '';
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (b < limit && out.length < length) out += chars[b % chars.length];
    }
  }
  return out;
}

/** A path checked like every other input: a bad one is VALIDATION_FAILED naming `path`. */
function checkPath(path: string): string {
  return checkBody(z.object({ path: secretPath }), { path }).path;
}

const holds = (roles: readonly string[], ctx: SecretContext) => roles.includes(ctx.principal.role);

/**
 * Writes need an operator role. The REST routes' gates already refuse others; this is the check
 * for the Connect service, whose gate admits readers, and it holds whichever surface calls.
 */
function requireWriter(ctx: SecretContext): void {
  if (!holds(operatorRoles, ctx)) {
    throw new ApiError('AUTH_INSUFFICIENT', `your role (${ctx.principal.role}) may only read secrets`);
  }
}

function requireReader(ctx: SecretContext): void {
  if (!holds(secretReaders, ctx)) {
    throw new ApiError('AUTH_INSUFFICIENT', `your role (${ctx.principal.role}) may not see secrets`);
  }
}

const actor = (ctx: SecretContext) => `${ctx.principal.kind}:${ctx.principal.id}`;

function auditChange(ctx: SecretContext, action: string, path: string, before: unknown, after: unknown) {
  return audit(ctx.db, {
    actor: actor(ctx),
    action,
    target: `secret:${ctx.principal.orgId}/${path}`,
    before,
    after,
    ip: ctx.ip,
  });
}

/** The outcome of a write: the new metadata, and whether the path was new (REST answers 201). */
export interface SecretWrite {
  meta: SecretMeta;
  created: boolean;
}

async function store(ctx: SecretContext, path: string, value: string, action: string): Promise<SecretWrite> {
  requireMasterKey(ctx.config);
  const orgId = ctx.principal.orgId;
  const before = await getSecretMeta(ctx.db, orgId, path);
  const written = await putSecret(ctx.db, ctx.config, orgId, path, value, actor(ctx));
  const after = { version: written.meta.version };
  await auditChange(ctx, action, path, before && { version: before.version }, after);
  return written;
}

export async function listSecretMeta(ctx: SecretContext): Promise<SecretMeta[]> {
  requireReader(ctx);
  return listSecrets(ctx.db, ctx.principal.orgId);
}

/** One secret's metadata; NOT_FOUND when the org has none at the path. */
export async function getSecret(ctx: SecretContext, rawPath: string): Promise<SecretMeta> {
  requireReader(ctx);
  const path = checkPath(rawPath);
  const meta = await getSecretMeta(ctx.db, ctx.principal.orgId, path);
  if (!meta) throw new ApiError('NOT_FOUND', `no secret ${path}`);
  return meta;
}

/** Stores `body.value` (`{value}`, 1 byte to 64 KiB) at the path as its next version. */
export async function setSecret(ctx: SecretContext, rawPath: string, body: unknown): Promise<SecretWrite> {
  requireWriter(ctx);
  const path = checkPath(rawPath);
  const { value } = checkBody(putBody, body);
  return store(ctx, path, value, 'secret.put');
}

/** Stores a random value (`body`: `{length?, alphabet?}`) at the path; the value is not returned. */
export async function generateSecret(
  ctx: SecretContext,
  rawPath: string,
  body: unknown,
): Promise<SecretWrite> {
  requireWriter(ctx);
  const path = checkPath(rawPath);
  const opts = checkBody(generateBody, body);
  return store(ctx, path, randomString(opts.length, opts.alphabet), 'secret.generate');
}

/** Removes a secret; answers with the metadata it had, NOT_FOUND when there is none. */
export async function removeSecret(ctx: SecretContext, rawPath: string): Promise<SecretMeta> {
  requireWriter(ctx);
  const path = checkPath(rawPath);
  const gone = await deleteSecret(ctx.db, ctx.principal.orgId, path);
  if (!gone) throw new ApiError('NOT_FOUND', `no secret ${path}`);
  await auditChange(ctx, 'secret.delete', path, { version: gone.version }, null);
  return gone;
}
