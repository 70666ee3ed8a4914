/**
 * The on-disk job journal. A job is written here when it arrives ("received") and again with its
 * outcome ("completed") before the outcome is sent; the file goes only once the edge has
 * acknowledged it. So after a crash or restart:
 *   - a completed job's outcome is sent again (the edge applies it once: job id + lease id);
 *   - a received-but-unfinished job is simply run again when the edge redelivers it
 *     (executors are idempotent per job id).
 */

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from '@bufbuild/protobuf';
import { writeFileAtomic } from './files.ts';

export type Outcome =
  | { kind: 'result'; result: JsonObject }
  | { kind: 'error'; code: string; message: string; retryable: boolean };

export interface OutboxEntry {
  job_id: string;
  lease_id: string;
  type: string;
  state: 'received' | 'completed';
  received_at: string;
  completed_at?: string;
  outcome?: Outcome;
}

const safeId = /^[a-z]+_[a-z0-9]+$/;

export class Outbox {
  readonly #dir: string;

  constructor(dataDir: string) {
    this.#dir = join(dataDir, 'outbox');
    mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
  }

  #path(jobId: string): string {
    if (!safeId.test(jobId)) throw new Error(`refusing unsafe job id ${JSON.stringify(jobId)}`);
    return join(this.#dir, `${jobId}.json`);
  }

  get(jobId: string): OutboxEntry | null {
    const path = this.#path(jobId);
    if (!existsSync(path)) return null;
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as OutboxEntry;
    } catch {
      return null;
    }
  }

  received(jobId: string, leaseId: string, type: string): void {
    const entry: OutboxEntry = {
      job_id: jobId,
      lease_id: leaseId,
      type,
      state: 'received',
      received_at: new Date().toISOString(),
    };
    writeFileAtomic(this.#path(jobId), JSON.stringify(entry));
  }

  completed(jobId: string, leaseId: string, type: string, outcome: Outcome): OutboxEntry {
    const previous = this.get(jobId);
    const entry: OutboxEntry = {
      job_id: jobId,
      lease_id: leaseId,
      type,
      state: 'completed',
      received_at: previous?.received_at ?? new Date().toISOString(),
      completed_at: new Date().toISOString(),
      outcome,
    };
    writeFileAtomic(this.#path(jobId), JSON.stringify(entry));
    return entry;
  }

  remove(jobId: string): void {
    rmSync(this.#path(jobId), { force: true });
  }

  pending(): OutboxEntry[] {
    return readdirSync(this.#dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => this.get(f.slice(0, -'.json'.length)))
      .filter((e): e is OutboxEntry => e?.state === 'completed');
  }

  count(): number {
    return readdirSync(this.#dir).filter((f) => f.endsWith('.json')).length;
  }
}
