/**
 * RateLimiterObject: exact request counting, one object per consumer (API key, user, agent or IP),
 * in the manner of Kong's `cluster` policy. Every request of a consumer goes through this one
 * object, which handles them one at a time, so N concurrent requests against a limit L let
 * exactly L through. Fixed one-minute windows per route group, kept in SQLite so an evicted
 * object does not forget its counts.
 *
 * For an API key the object is also its consumer's credential cache: the first request looks the
 * key up in Postgres, later ones are answered from memory, and revoking the key evicts it here at
 * once. An isolate may ask for a block of tokens at once (`want` > 1, a lease: token-pool.ts);
 * each is counted here before it leaves, so the limit holds across isolates.
 */
import { DurableObject } from 'cloudflare:workers';
import { effectivePlan, getSubscription, type PlanName, scaledRateLimit } from '../../billing/index.ts';
import { loadConfig } from '../../platform/config.ts';
import { type Db, openDb } from '../../platform/db/client.ts';
import type { Env } from '../../platform/env.ts';
import { findApiKeyByHash, touchApiKey } from '../api-keys-store.ts';
import { MAX_LEASE, type RateLease, resetSeconds, WINDOW_MS } from './token-pool.ts';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current window ends. */
  resetSeconds: number;
}

/** A lease is at most this share of what is left in the window, so near the limit tokens go one by one. */
const LEASE_SHARE = 8;
/** How long a looked-up API key is trusted before the database is asked again (revocation evicts at once). */
const KEY_TTL_MS = 60_000;
const UNKNOWN_KEY_TTL_MS = 10_000;

export interface ApiKeyGrant {
  id: string;
  orgId: string;
  role: string;
}

/** The answer for an API key: null `key` for an unknown, revoked or expired one. */
export interface ApiKeyAnswer {
  key: ApiKeyGrant | null;
  /** When the key expires (ms since the epoch), so a caching isolate refuses it on time too. */
  expiresAt: number | null;
  lease: RateLease | null;
}

interface CachedKey {
  hash: string;
  key: (ApiKeyGrant & { expiresAt: number | null; revoked: boolean; plan: PlanName }) | null;
  loadedAt: number;
}

export class RateLimiterObject extends DurableObject<Env> {
  readonly #sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => {
      this.#sql.exec(`CREATE TABLE IF NOT EXISTS windows (
        route_group TEXT NOT NULL, window_start INTEGER NOT NULL, count INTEGER NOT NULL,
        PRIMARY KEY (route_group, window_start))`);
    });
  }

  #cached: CachedKey | null = null;
  #touchedAt = 0;
  /** The window whose older rows were last deleted. */
  #prunedFor = 0;

  /**
   * Checks the API key whose SHA-256 is `hash` and, when it is good, counts the request (and up to
   * `want` - 1 more for the asking isolate to spend): auth and rate limit in one call. `limit` is
   * the base limit; the key's org plan raises it.
   */
  async apiKey(hash: string, group: string, limit: number, want = 1): Promise<ApiKeyAnswer> {
    const now = Date.now();
    const cached = this.#cached;
    const fresh =
      cached &&
      cached.hash === hash &&
      now - cached.loadedAt < (cached.key ? KEY_TTL_MS : UNKNOWN_KEY_TTL_MS);
    if (!fresh) {
      const [row, plan] = await this.#withDb(async (db) => {
        const found = await findApiKeyByHash(db, hash);
        return [found, found ? effectivePlan(await getSubscription(db, found.orgId)) : 'free'] as const;
      });
      this.#cached = {
        hash,
        loadedAt: now,
        key: row
          ? {
              id: row.id,
              orgId: row.orgId,
              role: row.role,
              expiresAt: row.expiresAt?.getTime() ?? null,
              // A key whose maker was disabled or left the org is as good as revoked (M5).
              revoked: row.revokedAt !== null || !row.makerActive,
              plan,
            }
          : null,
      };
    }
    const key = this.#cached?.key;
    if (!key || key.revoked || (key.expiresAt !== null && key.expiresAt <= now))
      return { key: null, expiresAt: null, lease: null };
    if (now - this.#touchedAt > 60_000) {
      this.#touchedAt = now;
      this.ctx.waitUntil(this.#withDb((db) => touchApiKey(db, key.id)).catch(() => {}));
    }
    // The org's plan raises the limit; it is cached with the key (a plan change shows within a minute).
    return {
      key: { id: key.id, orgId: key.orgId, role: key.role },
      expiresAt: key.expiresAt,
      lease: this.lease(group, scaledRateLimit(limit, key.plan), want, now),
    };
  }

  /** Forgets the cached key (it was revoked or changed). */
  evictApiKey(): void {
    this.#cached = null;
  }

  async #withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const config = loadConfig(this.env);
    if (!config.DATABASE_URL) throw new Error('database is not configured (DATABASE_URL)');
    const { db, close } = openDb({ databaseUrl: config.DATABASE_URL, wsProxy: config.DATABASE_WS_PROXY });
    try {
      return await fn(db);
    } finally {
      this.ctx.waitUntil(close());
    }
  }

  /** Counts one request of this consumer in `group` and says whether it may pass. */
  hit(group: string, limit: number, now = Date.now()): RateDecision {
    return this.lease(group, limit, 1, now).decision;
  }

  /**
   * Counts one request and, when there is room, up to `want` - 1 more that the asking isolate
   * spends later (token-pool.ts). The extra tokens are at most an eighth of what is left, so a
   * consumer near its limit gets its last requests one by one and none are stranded in an isolate.
   */
  lease(group: string, limit: number, want: number, now = Date.now()): RateLease {
    const windowStart = now - (now % WINDOW_MS);
    const reset = resetSeconds(windowStart, now);
    const current =
      this.#sql
        .exec<{ count: number }>(
          'SELECT count FROM windows WHERE route_group = ? AND window_start = ?',
          group,
          windowStart,
        )
        .toArray()[0]?.count ?? 0;
    if (current >= limit) {
      return {
        decision: { allowed: false, limit, remaining: 0, resetSeconds: reset },
        windowStart,
        extra: 0,
      };
    }
    const left = limit - current;
    const granted = Math.max(1, Math.min(want, MAX_LEASE, Math.floor(left / LEASE_SHARE)));
    this.#sql.exec(
      `INSERT INTO windows (route_group, window_start, count) VALUES (?, ?, ?)
       ON CONFLICT (route_group, window_start) DO UPDATE SET count = count + excluded.count`,
      group,
      windowStart,
      granted,
    );
    // Old windows are of no use; keep the table to the current ones (once per window is enough).
    if (this.#prunedFor !== windowStart) {
      this.#prunedFor = windowStart;
      this.#sql.exec('DELETE FROM windows WHERE window_start < ?', windowStart);
    }
    return {
      decision: { allowed: true, limit, remaining: left - 1, resetSeconds: reset },
      windowStart,
      extra: granted - 1,
    };
  }
}
