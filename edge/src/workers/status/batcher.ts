/**
 * Hands items to `write` in batches without holding any back: the first item is written at once,
 * and whatever arrives while a write is in flight goes into the next one. Under load the batches
 * grow by themselves; when idle there is no added delay. Each caller's promise settles when the
 * batch holding its item was written; when a batch fails, its items are written one by one, so a
 * bad item fails only its own caller.
 */
export class Batcher<T> {
  readonly #write: (items: T[]) => Promise<void>;
  readonly #maxBatch: number;
  #pending: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  #writing = false;

  constructor(write: (items: T[]) => Promise<void>, maxBatch: number) {
    this.#write = write;
    this.#maxBatch = maxBatch;
  }

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending.splice(0, this.#maxBatch);
        try {
          await this.#write(batch.map((p) => p.item));
          for (const p of batch) p.resolve();
        } catch (error) {
          if (batch.length === 1) batch[0]!.reject(error);
          // One bad item must not fail the others: write each on its own.
          else for (const p of batch) await this.#write([p.item]).then(p.resolve, p.reject);
        }
      }
    } finally {
      this.#writing = false;
    }
  }
}
