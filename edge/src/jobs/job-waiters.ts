/**
 * Requests that wait for a job to end (pre-checks with `waitMs`, a simulated node's action, a
 * node's logs), inside the AgentObject: each waits on a promise that the object resolves when the
 * job ends — or that a timer resolves when the caller's patience runs out. Nothing polls.
 * In memory only: if the object restarts, the waiting call fails and its caller reads the job.
 */
export class JobWaiters {
  readonly #waiting = new Map<string, Set<() => void>>();

  /** Resolves when `release(jobId)` is called, or after `timeoutMs`, whichever comes first. */
  wait(jobId: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      let waiters = this.#waiting.get(jobId);
      if (!waiters) {
        waiters = new Set();
        this.#waiting.set(jobId, waiters);
      }
      const set = waiters;
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && this.#waiting.get(jobId) === set) this.#waiting.delete(jobId);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      set.add(done);
    });
  }

  release(jobId: string): void {
    for (const done of [...(this.#waiting.get(jobId) ?? [])]) done();
  }
}
