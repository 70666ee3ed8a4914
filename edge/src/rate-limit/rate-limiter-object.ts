/**
 * RateLimiterObject: exact request counting, one object per consumer (API key, user, agent or IP),
 * in the manner of Kong's `cluster` policy. Every request of a consumer goes through this one
 * object, which handles them one at a time, so N concurrent requests against a limit L let
 * exactly L through. Fixed one-minute windows per route group, kept in SQLite so an evicted
 * object does not forget its counts.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env.ts';

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current window ends. */
  resetSeconds: number;
}

const WINDOW_MS = 60_000;

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

  /** Counts one request of this consumer in `group` and says whether it may pass. */
  hit(group: string, limit: number, now = Date.now()): RateDecision {
    const windowStart = now - (now % WINDOW_MS);
    const resetSeconds = Math.max(1, Math.ceil((windowStart + WINDOW_MS - now) / 1000));
    const current =
      this.#sql
        .exec<{ count: number }>(
          'SELECT count FROM windows WHERE route_group = ? AND window_start = ?',
          group,
          windowStart,
        )
        .toArray()[0]?.count ?? 0;
    if (current >= limit) return { allowed: false, limit, remaining: 0, resetSeconds };
    this.#sql.exec(
      `INSERT INTO windows (route_group, window_start, count) VALUES (?, ?, 1)
       ON CONFLICT (route_group, window_start) DO UPDATE SET count = count + 1`,
      group,
      windowStart,
    );
    // Old windows are of no use; keep the table to the current ones.
    this.#sql.exec('DELETE FROM windows WHERE window_start < ?', windowStart);
    return { allowed: true, limit, remaining: limit - current - 1, resetSeconds };
  }
}
