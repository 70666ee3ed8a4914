/**
 * StackObject: one Durable Object per stack. It will own the stack's spec versions, workflows,
 * jobs, events and OpenTofu state (the orchestration issue). For now it keeps the stack's
 * identity and an event log, so the binding, SQLite storage and migrations are in place.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env.ts';
import * as tofuStore from '../tofu-state/state-store.ts';

export interface StackEvent {
  seq: number;
  at: string;
  kind: string;
  message: string;
}

export class StackObject extends DurableObject<Env> {
  readonly #sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => {
      this.#sql.exec(`
        CREATE TABLE IF NOT EXISTS stack (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS events (
          seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, kind TEXT NOT NULL, message TEXT NOT NULL
        );
      `);
    });
  }

  /** Records an event; returns its sequence number. */
  record(kind: string, message: string): number {
    const row = this.#sql
      .exec<{ seq: number }>(
        'INSERT INTO events (at, kind, message) VALUES (?, ?, ?) RETURNING seq',
        Date.now(),
        kind,
        message,
      )
      .one();
    return row.seq;
  }

  events(afterSeq = 0): StackEvent[] {
    return this.#sql
      .exec<{ seq: number; at: number; kind: string; message: string }>(
        'SELECT seq, at, kind, message FROM events WHERE seq > ? ORDER BY seq',
        afterSeq,
      )
      .toArray()
      .map((e) => ({ ...e, at: new Date(e.at).toISOString() }));
  }

  // ── OpenTofu state backend (orch-state) ─────────────────────────────────────────────────────
  // Thin RPC wrappers over ../tofu-state/state-store.ts, which owns the tofu_* tables. Each call
  // is synchronous inside the object, so checks and writes never interleave.
  #tofuReady = false;

  #tofu(): SqlStorage {
    if (!this.#tofuReady) {
      tofuStore.migrateTofuState(this.#sql);
      this.#tofuReady = true;
    }
    return this.#sql;
  }

  /** Records the stack's org at first use; a stack never changes org. */
  claim(orgId: string): { orgId: string; claimed: boolean } {
    return tofuStore.claim(this.#tofu(), orgId, Date.now());
  }

  claimedBy(): string | null {
    return tofuStore.ownerOf(this.#tofu());
  }

  tofuState(): tofuStore.StoredState | null {
    return tofuStore.currentState(this.#tofu());
  }

  tofuPutState(input: tofuStore.PutStateInput) {
    return tofuStore.putState(this.#tofu(), input, Date.now());
  }

  tofuLock(req: { id: string; info: string; by: string }) {
    return tofuStore.lock(this.#tofu(), req, Date.now());
  }

  tofuUnlock(req: { id: string } | { force: true }) {
    return tofuStore.unlock(this.#tofu(), req);
  }

  tofuDeleteState(req: { lockId: string | null; by: string; keep: number }) {
    return tofuStore.deleteState(this.#tofu(), req, Date.now());
  }

  tofuVersions(): tofuStore.VersionInfo[] {
    return tofuStore.listVersions(this.#tofu());
  }

  tofuLockHeld(): tofuStore.HeldLock | null {
    return tofuStore.heldLock(this.#tofu());
  }
}
