/**
 * StackObject: one Durable Object per stack. It will own the stack's spec versions, workflows,
 * jobs, events and OpenTofu state (the orchestration issue). For now it keeps the stack's
 * identity and an event log, so the binding, SQLite storage and migrations are in place.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env.ts';

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
}
