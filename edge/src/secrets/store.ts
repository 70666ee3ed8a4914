/**
 * The secret store over Postgres: metadata reads (never values), writes that encrypt, and the one
 * decrypting read the job delivery uses. Every query filters by org.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/db/client.ts';
import { secretDataKeys, secrets } from '../platform/db/schema.ts';
import { ApiError } from '../platform/errors.ts';
import { newDataKey, openValue, sealValue, unwrapDataKey, wrapDataKey } from './secret-crypto.ts';

export interface SecretMeta {
  path: string;
  version: number;
  updated_at: string;
  updated_by: string;
}

const metaColumns = {
  path: secrets.path,
  version: secrets.version,
  updatedAt: secrets.updatedAt,
  updatedBy: secrets.updatedBy,
};

function view(row: { path: string; version: number; updatedAt: Date; updatedBy: string }): SecretMeta {
  return {
    path: row.path,
    version: row.version,
    updated_at: row.updatedAt.toISOString(),
    updated_by: row.updatedBy,
  };
}

/** The master key; without one the store is unavailable (503), and the rest of the edge works. */
export function requireMasterKey(config: Config): string {
  if (!config.SECRETS_MASTER_KEY) {
    throw new ApiError(
      'SERVICE_UNAVAILABLE',
      'the secret store is not configured: set SECRETS_MASTER_KEY (wrangler secret put SECRETS_MASTER_KEY)',
    );
  }
  return config.SECRETS_MASTER_KEY;
}

function masters(config: Config): string[] {
  return [
    requireMasterKey(config),
    ...(config.SECRETS_MASTER_KEY_PREVIOUS ? [config.SECRETS_MASTER_KEY_PREVIOUS] : []),
  ];
}

/**
 * The org's data key in clear (only in memory, for one operation): made on first use; one wrapped
 * by the previous master key is rewrapped with the current one.
 */
export async function orgDataKey(db: Db, config: Config, orgId: string): Promise<Uint8Array> {
  requireMasterKey(config); // no master key: 503 before anything is read
  const [row] = await db.select().from(secretDataKeys).where(eq(secretDataKeys.orgId, orgId));
  if (!row) {
    const made = await newDataKey(requireMasterKey(config), orgId);
    const inserted = await db
      .insert(secretDataKeys)
      .values({ orgId, ...made.wrapped })
      .onConflictDoNothing()
      .returning({ orgId: secretDataKeys.orgId });
    // Another request made it first: use theirs.
    return inserted.length > 0 ? made.raw : orgDataKey(db, config, orgId);
  }
  const { raw, stale } = await unwrapDataKey(masters(config), orgId, row);
  if (stale) {
    const rewrapped = await wrapDataKey(requireMasterKey(config), orgId, raw);
    await db
      .update(secretDataKeys)
      .set({ ...rewrapped, rewrappedAt: new Date() })
      .where(and(eq(secretDataKeys.orgId, orgId), eq(secretDataKeys.masterKeyId, row.masterKeyId)));
  }
  return raw;
}

export async function listSecrets(db: Db, orgId: string): Promise<SecretMeta[]> {
  const rows = await db
    .select(metaColumns)
    .from(secrets)
    .where(eq(secrets.orgId, orgId))
    .orderBy(asc(secrets.path));
  return rows.map(view);
}

export async function getSecretMeta(db: Db, orgId: string, path: string): Promise<SecretMeta | null> {
  const [row] = await db
    .select(metaColumns)
    .from(secrets)
    .where(and(eq(secrets.orgId, orgId), eq(secrets.path, path)));
  return row ? view(row) : null;
}

/** Metadata of those of `paths` that exist (for deploy validation and secret_rev). */
export async function secretVersions(db: Db, orgId: string, paths: string[]): Promise<Map<string, number>> {
  if (paths.length === 0) return new Map();
  const rows = await db
    .select({ path: secrets.path, version: secrets.version })
    .from(secrets)
    .where(and(eq(secrets.orgId, orgId), inArray(secrets.path, paths)));
  return new Map(rows.map((r) => [r.path, r.version]));
}

/** Encrypts and stores a value: version 1 on first write, else the next version. */
export async function putSecret(
  db: Db,
  config: Config,
  orgId: string,
  path: string,
  value: string,
  by: string,
): Promise<{ meta: SecretMeta; created: boolean }> {
  const key = await orgDataKey(db, config, orgId);
  const sealed = await sealValue(key, orgId, path, value);
  const now = new Date();
  const [row] = await db
    .insert(secrets)
    .values({ orgId, path, version: 1, ...sealed, updatedAt: now, updatedBy: by })
    .onConflictDoUpdate({
      target: [secrets.orgId, secrets.path],
      set: { ...sealed, version: sql`${secrets.version} + 1`, updatedAt: now, updatedBy: by },
    })
    .returning(metaColumns);
  // Version 1 is only ever written by the insert: the upsert tells new from replaced by itself.
  return { meta: view(row!), created: row!.version === 1 };
}

/**
 * Stores a value generated for a path unless the path is already set (an app added to a second
 * stack keeps the first value, so both use one password). True when it was stored.
 */
export async function putSecretIfAbsent(
  db: Db,
  config: Config,
  orgId: string,
  path: string,
  value: string,
  by: string,
): Promise<boolean> {
  const key = await orgDataKey(db, config, orgId);
  const sealed = await sealValue(key, orgId, path, value);
  const rows = await db
    .insert(secrets)
    .values({ orgId, path, version: 1, ...sealed, updatedAt: new Date(), updatedBy: by })
    .onConflictDoNothing({ target: [secrets.orgId, secrets.path] })
    .returning({ path: secrets.path });
  return rows.length > 0;
}

export async function deleteSecret(db: Db, orgId: string, path: string): Promise<SecretMeta | null> {
  const [row] = await db
    .delete(secrets)
    .where(and(eq(secrets.orgId, orgId), eq(secrets.path, path)))
    .returning(metaColumns);
  return row ? view(row) : null;
}

/**
 * The values of exactly `paths`, decrypted for `orgId`: the job delivery's read. Missing paths
 * come back in `missing` (the caller names them in its error).
 */
export async function readSecretValues(
  db: Db,
  config: Config,
  orgId: string,
  paths: string[],
): Promise<{ values: Record<string, string>; missing: string[] }> {
  if (paths.length === 0) return { values: {}, missing: [] };
  const rows = await db
    .select({ path: secrets.path, iv: secrets.iv, ciphertext: secrets.ciphertext })
    .from(secrets)
    .where(and(eq(secrets.orgId, orgId), inArray(secrets.path, paths)));
  const found = new Map(rows.map((r) => [r.path, r]));
  const missing = paths.filter((p) => !found.has(p));
  if (missing.length > 0) return { values: {}, missing };
  const key = await orgDataKey(db, config, orgId);
  const values: Record<string, string> = {};
  for (const path of paths) values[path] = await openValue(key, orgId, path, found.get(path)!);
  return { values, missing };
}

const SEALED = 'sealed:v1:';

/**
 * Another domain's value sealed with the org's data key (a simulated node's root password until
 * it is shown): AES-256-GCM bound to the org and `purpose` (a namespace no secret path can take),
 * as text for that domain's own column. Never listed as a secret.
 */
export async function sealForOrg(db: Db, config: Config, orgId: string, purpose: string, value: string) {
  const sealed = await sealValue(await orgDataKey(db, config, orgId), orgId, `\0${purpose}`, value);
  return `${SEALED}${sealed.iv}.${sealed.ciphertext}`;
}

/** The value `sealForOrg` sealed; text written before values were sealed comes back as it is. */
export async function openForOrg(db: Db, config: Config, orgId: string, purpose: string, text: string) {
  if (!text.startsWith(SEALED)) return text;
  const [iv = '', ciphertext = ''] = text.slice(SEALED.length).split('.');
  return openValue(await orgDataKey(db, config, orgId), orgId, `\0${purpose}`, { iv, ciphertext });
}
