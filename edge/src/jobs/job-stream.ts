/**
 * One open ReceiveJobs stream: a queue the Durable Object pushes events into and the Connect
 * handler drains. It yields a keepalive when idle (so both ends notice a dead connection) and ends
 * by itself after `maxAgeMs` so the agent reconnects with a fresh token.
 */
import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import {
  type Job,
  JobSchema,
  type ReceiveJobsResponse,
  ReceiveJobsResponseSchema,
} from '@kombify/proto/agent/v1';
import type { JobRecord } from './job-store.ts';

/** A leased job as the agent receives it. */
export function jobEvent(job: JobRecord): ReceiveJobsResponse {
  const value: Job = create(JobSchema, {
    id: job.id,
    leaseId: job.leaseId ?? '',
    type: job.type,
    params: job.params as Job['params'],
    attempt: job.attempt,
    leaseExpiresAt: timestampFromMs(job.leaseExpiresAt ?? Date.now()),
    createdAt: timestampFromMs(job.createdAt),
    // A job queued before origins were kept has none: the agent treats it as raw.
    origin: job.origin ?? '',
  });
  return create(ReceiveJobsResponseSchema, { event: { case: 'job', value } });
}

export class JobStream {
  readonly id: string;
  readonly openedAt: number;
  #queue: ReceiveJobsResponse[] = [];
  #wake: (() => void) | undefined;
  #closed = false;

  constructor(id: string, now: number) {
    this.id = id;
    this.openedAt = now;
  }

  get closed(): boolean {
    return this.#closed;
  }

  push(event: ReceiveJobsResponse): void {
    if (this.#closed) return;
    this.#queue.push(event);
    this.#wake?.();
  }

  close(): void {
    this.#closed = true;
    this.#wake?.();
  }

  async *events(opts: {
    keepaliveMs: number;
    maxAgeMs: number;
    signal: AbortSignal;
  }): AsyncGenerator<ReceiveJobsResponse> {
    const endAt = this.openedAt + opts.maxAgeMs;
    const onAbort = () => this.close();
    opts.signal.addEventListener('abort', onAbort);
    try {
      while (!this.#closed) {
        const next = this.#queue.shift();
        if (next) {
          yield next;
          continue;
        }
        const remaining = endAt - Date.now();
        if (remaining <= 0) return;
        const woke = await this.#sleep(Math.min(opts.keepaliveMs, remaining));
        if (!woke && !this.#closed && this.#queue.length === 0 && Date.now() < endAt) {
          yield create(ReceiveJobsResponseSchema, {
            event: { case: 'keepalive', value: { serverTime: timestampFromMs(Date.now()) } },
          });
        }
      }
    } finally {
      opts.signal.removeEventListener('abort', onAbort);
      this.#closed = true;
    }
  }

  /** Resolves true when woken by push/close, false on timeout. */
  #sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve(false);
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve(true);
      };
    });
  }
}
